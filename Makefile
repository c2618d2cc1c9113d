# Two commands for a newcomer: `make run` and `make test`. Everything else is a step they call.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install frontend migrate reference-data demo-data lint check deploy-check clean \
	cluster cluster-stop cluster-test

run: install frontend migrate reference-data demo-data
	@$(PY) manage.py demo_accounts
	DEBUG=True $(PY) manage.py runserver $(HOST):$(PORT)

test: install frontend
	$(PY) -m pytest $(PYTEST_ARGS)

install: $(VENV)/.installed

# Quiet installs: errors only. -qq hides pip's warnings; PYTHONWARNINGS silences setuptools'
# notice about editable installs; npm's packages need no install scripts (sass's optional file
# watcher only builds itself from source, and the build never watches).
$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -qq --disable-pip-version-check --upgrade pip
	PYTHONWARNINGS=ignore $(PY) -m pip install -qq --disable-pip-version-check -e '.[dev]'
	$(PY) -m pip install -qq --disable-pip-version-check --no-deps --upgrade --target $(VENV)/smtp-server aiosmtpd==1.4.6 atpublic==9.0.0
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $@

frontend: static/build/.built

static/build/.built: node_modules/.installed frontend/build.mjs $(shell find static/images static/js static/scss -type f 2>/dev/null)
	npm run --silent build
	touch $@

migrate: install
	$(PY) manage.py migrate --noinput

# Reference data is real and safe everywhere; loading it twice updates rows in place.
reference-data: migrate
	$(PY) manage.py loaddata organisations recipient_groups super_complaints office_holders

# Demo responses and accounts: for `make run` and tests only, never for a production set-up.
demo-data: reference-data
	$(PY) manage.py loaddata demo_responses demo_accounts

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache

check: install
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

# The README's production procedure ("Deploying") with production-like settings and a fresh
# random key: `check --deploy` must find nothing, not even a warning, and `collectstatic` must
# gather the hashed static files (into a temporary folder). Touches no database.
deploy-check: install frontend
	@set -e; static_root=$$(mktemp -d); trap 'rm -rf "$$static_root"' EXIT; \
	export DEBUG=False SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	  ALLOWED_HOSTS=tracker.example.org SITE_URL=https://tracker.example.org \
	  HTTPS=True SECURE_SSL_REDIRECT=True SECURE_HSTS_SECONDS=31536000 SECURE_HSTS_PRELOAD=True \
	  USE_X_FORWARDED_PROTO=True USE_X_FORWARDED_FOR=True STATIC_MANIFEST=True \
	  WHITENOISE_USE_FINDERS=False TASK_BACKEND=database REDIS_URL=redis://127.0.0.1:6379/0 \
	  STATIC_ROOT="$$static_root"; \
	$(PY) manage.py check --deploy --fail-level WARNING; \
	$(PY) manage.py collectstatic --noinput --verbosity 1

# A production-like cluster on this machine (docs/cluster.md): nginx on https://localhost:8480
# in front of three gunicorn servers, the task worker, PostgreSQL (CLUSTER_DATABASE_URL) and
# Redis (CLUSTER_REDIS_URL); nginx installed from Debian's packages when missing.
cluster: install frontend
	$(PY) scripts/cluster.py start --demo-data

cluster-stop:
	$(PY) scripts/cluster.py stop

# Starts the cluster on a fresh database, tests it (faults included), runs the backup drill,
# stops it: about three minutes. CLUSTER_TEST_ARGS=--seconds 60 for a longer load.
cluster-test: install frontend
	$(PY) scripts/cluster_test.py $(CLUSTER_TEST_ARGS)

clean:
	rm -rf $(VENV) node_modules static/build staticfiles .cluster
