"""The project as a whole: system checks, migrations, deploy settings, configuration errors."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args, env=None):
    environment = {**os.environ, **(env or {})}
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # deploy checks rightly refuse it
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment,
        capture_output=True, text=True, timeout=120,
    )


def test_system_checks_pass():
    call_command("check", fail_level="WARNING")


@pytest.mark.django_db
def test_every_model_change_has_a_migration():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_deploy_checks_pass_with_production_settings():
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING",
        env={
            "DEBUG": "False",
            "SECRET_KEY": "a-long-random-production-secret-" + "x7Q9" * 10,
            "ALLOWED_HOSTS": "tracker.example.org",
            "HTTPS": "True",
            "SECURE_SSL_REDIRECT": "True",
            "SECURE_HSTS_SECONDS": "31536000",
            "SECURE_HSTS_PRELOAD": "True",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_deploy_checks_refuse_the_development_secret_key():
    result = run_manage(
        "check", "--deploy",
        env={"DEBUG": "False", "SECRET_KEY": "", "HTTPS": "True", "SECURE_SSL_REDIRECT": "True",
             "SECURE_HSTS_SECONDS": "31536000"},
    )
    assert result.returncode != 0
    assert "tracker.E001" in result.stdout + result.stderr


def test_a_malformed_setting_stops_the_app_with_a_clear_message():
    result = run_manage("check", env={"DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DEBUG must be True or False, not 'maybe'" in result.stderr


def test_database_connections_persist_by_default_and_are_checked_before_reuse():
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_CONN_MAX_AGE"}
    environment["DATABASE_URL"] = "postgres://app@db.example.org:5432/tracker"
    result = subprocess.run(
        [sys.executable, "-c",
         "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'tracker.settings');"
         "django.setup(); from django.conf import settings; d = settings.DATABASES['default'];"
         "print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])"],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    max_age, health_checks = result.stdout.split()
    assert int(max_age) >= 60 and health_checks == "True"


def test_the_benchmark_baseline_view_is_not_mounted_unless_asked_for(client, world, settings):
    assert settings.BENCHMARK_VIEWS is False
    client.force_login(world.contributor)
    assert client.get("/_bench/bare/").status_code == 404
    assert client.get("/_bench/shell/").status_code == 404
