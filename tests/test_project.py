"""The project as a whole: system checks, migrations, deploy settings, configuration errors."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args, env=None, unset=()):
    environment = {**os.environ, **(env or {})}
    for name in unset:
        environment.pop(name, None)
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


# The production settings of the README's "Deploying" (the export line and SITE_URL), with a key
# that is not the development one.
PRODUCTION = {
    "DEBUG": "False",
    "SECRET_KEY": "a-long-random-production-secret-" + "x7Q9" * 10,
    "ALLOWED_HOSTS": "tracker.example.org",
    "SITE_URL": "https://tracker.example.org",
    "HTTPS": "True",
    "SECURE_SSL_REDIRECT": "True",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_PRELOAD": "True",
    "USE_X_FORWARDED_PROTO": "True",
    "USE_X_FORWARDED_FOR": "True",
    "STATIC_MANIFEST": "True",
    "WHITENOISE_USE_FINDERS": "False",
    "TASK_BACKEND": "database",
    "REDIS_URL": "redis://127.0.0.1:6379/0",  # the worker and the app servers share it
}


def test_deploy_checks_pass_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    "site_url, warning",
    [
        (None, "tracker.W001"),  # unset: the development address
        ("http://tracker.example.org", "tracker.W001"),
        ("https://elsewhere.example.org", "tracker.W002"),
    ],
)
def test_deploy_checks_warn_of_a_site_url_that_is_not_the_https_address(site_url, warning):
    if site_url:
        result = run_manage("check", "--deploy", "--fail-level", "WARNING",
                            env={**PRODUCTION, "SITE_URL": site_url})
    else:
        without = {name: value for name, value in PRODUCTION.items() if name != "SITE_URL"}
        result = run_manage("check", "--deploy", "--fail-level", "WARNING",
                            env=without, unset=["SITE_URL"])
    assert result.returncode != 0
    assert warning in result.stdout + result.stderr


def test_a_site_url_that_is_not_an_address_stops_the_app():
    result = run_manage("check", env={"SITE_URL": "tracker.example.org/public"})
    assert result.returncode != 0
    assert "tracker.E002" in result.stderr


def test_the_production_static_build_collects_every_file_under_hashed_names(tmp_path):
    """
    The README's `collectstatic` with STATIC_MANIFEST=True: it follows every `sourceMappingURL`
    and `url()` of the built front end (static/build, built by `make test`), so a file one of
    them names and the build left out stops it with MissingFileError.
    """
    result = run_manage("collectstatic", "--noinput",
                        env={**PRODUCTION, "STATIC_ROOT": str(tmp_path)})
    assert result.returncode == 0, result.stdout + result.stderr

    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    build = ROOT / "static" / "build"
    built = {path.relative_to(build).as_posix() for path in build.rglob("*")
             if path.is_file() and not path.name.startswith(".")}
    assert {"app.css", "init.mjs", "govuk-frontend.min.js", "accessible-autocomplete.min.js",
            "images/favicon.svg"} <= built
    assert built <= set(manifest)
    for name in built:
        assert (tmp_path / manifest[name]).is_file(), name
    # The hashed script names its hashed source map, which was collected too.
    script = (tmp_path / manifest["accessible-autocomplete.min.js"]).read_text()
    map_name = manifest["accessible-autocomplete.min.js.map"]
    assert script.rstrip().endswith(f"sourceMappingURL={map_name.rsplit('/', 1)[-1]}")


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


def test_deploy_checks_warn_of_an_identity_provider_over_plain_http():
    provider = {"name": "entra-a", "issuer": "http://login.example.org/t/v2.0",
                "client_id": "c", "client_secret": "s", "tenants": {"t": ["force-a"]}}
    result = run_manage("check", "--deploy", "--fail-level", "WARNING",
                        env={**PRODUCTION, "OIDC_PROVIDERS": json.dumps([provider])})
    assert result.returncode != 0
    assert "tracker.W003" in result.stdout + result.stderr
    provider["issuer"] = "https://login.example.org/t/v2.0"
    result = run_manage("check", "--deploy", "--fail-level", "WARNING",
                        env={**PRODUCTION, "OIDC_PROVIDERS": json.dumps([provider])})
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("value, message", [
    ("not json", "not valid JSON"),
    ('{"name": "a"}', "must be a JSON list"),
    ('[{"name": "a", "issuer": "https://i"}]', "lacks client_id, tenants"),
    ('[{"name": "a", "issuer": "https://i", "client_id": "c", "tenants": {"t": "*"}}]',
     "has no client secret"),
])
def test_a_malformed_identity_provider_stops_the_app(value, message):
    result = run_manage("check", env={"OIDC_PROVIDERS": value})
    assert result.returncode != 0
    assert message in result.stderr
