#!/usr/bin/env bash
# Builds the benchmark / reliability corpus from Debian packages (no install, no PyPI, no GitHub):
# the CPython 3.11 standard library with its test suite, and Django 3.2. Idempotent.
#   bench/corpus.sh            → bench/corpus/{cpython,django}
#   bench/corpus.sh django     → bench/corpus/django only (the CI regression guard's subset)
set -euo pipefail
cd "$(dirname "$0")"
only="${1:-}"
packages="libpython3.11-minimal libpython3.11-stdlib libpython3.11-testsuite python3-django"
[ "$only" = django ] && packages="python3-django"
mkdir -p corpus/debs
cd corpus/debs
for pkg in $packages; do
  ls "${pkg}"_*.deb >/dev/null 2>&1 || apt-get download "$pkg" >/dev/null 2>&1 || {
    echo "cannot download $pkg (apt-get download needs Debian's package index: apt-get update)" >&2
    exit 1
  }
done
cd ..
if [ "$only" != django ] && [ ! -d cpython ]; then
  rm -rf x && mkdir x
  for deb in debs/libpython3.11-minimal_*.deb debs/libpython3.11-stdlib_*.deb debs/libpython3.11-testsuite_*.deb; do dpkg -x "$deb" x; done
  mv x/usr/lib/python3.11 cpython && rm -rf x
fi
if [ ! -d django ]; then
  rm -rf x && mkdir x && dpkg -x debs/python3-django_*.deb x
  mv x/usr/lib/python3/dist-packages/django django && rm -rf x
fi
[ "$only" = django ] && { echo "corpus: $(find django -type f -name '*.py' | wc -l) Python files of Django in $(pwd)"; exit 0; }
echo "corpus: $(find cpython django -type f -name '*.py' | wc -l) Python files, $(find cpython django -type f -name '*.py' -print0 | xargs -0 cat | wc -l) lines in $(pwd)"
