#!/usr/bin/env sh
# The migration step on its own (the Kubernetes Job before a rollout): migrate under the lock.
set -eu
cd "$(dirname "$0")/.."
exec "${PYTHON:-python}" manage.py migrate_locked --no-input
