#!/usr/bin/env sh
# The task worker (django-tasks-db): takes background tasks from the database, one at a time.
# It waits (up to MIGRATION_WAIT_SECONDS, 300) for the app servers or the migration job to
# apply this release's migrations first: it never migrates itself.
set -eu
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python}"
waited=0
until "$PYTHON" manage.py migrate --check >/dev/null 2>&1; do
  if [ "$waited" -ge "${MIGRATION_WAIT_SECONDS:-300}" ]; then
    echo "migrations still not applied after ${waited} s" >&2
    exit 1
  fi
  sleep 1
  waited=$((waited + 1))
done
exec "$PYTHON" manage.py db_worker --no-reload --interval 1
