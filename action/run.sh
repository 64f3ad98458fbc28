#!/usr/bin/env bash
# The check step of action.yml, run by the Actions runner in the workspace with the inputs as
# environment variables (INPUT_PATHS, INPUT_ARGS, INPUT_SARIF, INPUT_CATEGORY) and the runner's
# GITHUB_ACTION_PATH, GITHUB_OUTPUT and RUNNER_TEMP. The findings always appear as annotations
# (`--format github`); with INPUT_SARIF=true the same run's SARIF is written for the upload step.
# The step's exit status is pylint-perf's (1: findings at or above --fail-on).
set -uo pipefail

cli="${GITHUB_ACTION_PATH:?not run by the Actions runner}/bin/pylint-perf.js"
read -r -a paths <<< "${INPUT_PATHS:-.}"
[ "${#paths[@]}" -gt 0 ] || paths=(.)
read -r -a extra <<< "${INPUT_ARGS:-}"

status=0
if [ "${INPUT_SARIF:-true}" = "true" ]; then
  sarif="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/pylint-perf.sarif"
  node "$cli" check "${paths[@]}" "${extra[@]}" --format sarif --sarif-category "${INPUT_CATEGORY:-pylint-perf}" --output "$sarif"
  status=$?
  if [ -s "$sarif" ]; then echo "sarif-file=$sarif" >> "${GITHUB_OUTPUT:-/dev/null}"; fi
  # The annotations: a second run is answered from the cache of the first (nothing changed).
  if [ "$status" -ne 2 ]; then node "$cli" check "${paths[@]}" "${extra[@]}" --format github; fi
else
  node "$cli" check "${paths[@]}" "${extra[@]}" --format github
  status=$?
fi
echo "exit-code=$status" >> "${GITHUB_OUTPUT:-/dev/null}"
exit "$status"
