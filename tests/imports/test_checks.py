"""The deploy check that a production set-up runs its tasks in a worker."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError


def test_check_deploy_warns_when_tasks_would_run_in_the_request(settings):
    settings.TASK_BACKEND = "immediate"
    with pytest.raises(SystemCheckError, match="imports.W001"):
        call_command("check", "--deploy", "--fail-level", "WARNING", "--tag", "compatibility")


def test_check_deploy_is_quiet_with_a_task_worker(settings):
    settings.TASK_BACKEND = "database"
    settings.REDIS_URL = "redis://127.0.0.1:6379/0"
    call_command("check", "--deploy", "--fail-level", "WARNING", "--tag", "compatibility")


def test_a_worker_without_a_shared_cache_stops_the_app(settings):
    settings.TASK_BACKEND = "database"
    settings.REDIS_URL = ""
    with pytest.raises(SystemCheckError, match="imports.E001"):
        call_command("check", "--tag", "compatibility")
    settings.REDIS_URL = "redis://127.0.0.1:6379/0"
    call_command("check", "--tag", "compatibility")
