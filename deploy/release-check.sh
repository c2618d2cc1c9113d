#!/usr/bin/env sh
# Once per release, before any server starts: gather the hashed static files into STATIC_ROOT
# and refuse a configuration `check --deploy` warns about. The cluster (scripts/cluster.py), the
# container build (Containerfile) and CI run this same script.
set -eu
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python}"
"$PYTHON" manage.py collectstatic --noinput --verbosity 0
"$PYTHON" manage.py check --deploy --fail-level WARNING
