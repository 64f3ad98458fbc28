#!/bin/sh
set -e
exec gunicorn -k uvicorn.workers.UvicornWorker app.main:app -w 2  # expect: PP301
