#!/usr/bin/env sh
# One app server: migrate under the lock (every server may, only the first does any work; set
# MIGRATE_ON_START=False where a migration job runs first, as in deploy/k8s), then gunicorn.
set -eu
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python}"
# Where gunicorn's workers keep their metrics (core/metrics.py): one folder per server.
export PROMETHEUS_MULTIPROC_DIR="${PROMETHEUS_MULTIPROC_DIR:-${TMPDIR:-/tmp}/tracker-metrics-${PORT:-8000}}"
if [ "${MIGRATE_ON_START:-True}" = "True" ]; then
  # Not a gunicorn worker: its metrics would be added to the server's (core/metrics.py).
  env -u PROMETHEUS_MULTIPROC_DIR "$PYTHON" manage.py migrate_locked --no-input
fi
exec "$PYTHON" -m gunicorn -c deploy/gunicorn.conf.py tracker.wsgi
