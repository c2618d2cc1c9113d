from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.compatibility, deploy=True)
def check_tasks_run_outside_the_request(app_configs, **kwargs):
    """Warn a production deployment that large imports would run inside the request."""
    if settings.TASK_BACKEND == "immediate":
        return [
            Warning(
                "TASK_BACKEND is 'immediate': large imports are checked and applied inside the "
                "request that asks for them.",
                hint="Set TASK_BACKEND=database and run `manage.py db_worker` beside the app "
                     "servers.",
                id="imports.W001",
            )
        ]
    return []


@register(Tags.compatibility)
def check_the_worker_shares_the_cache(app_configs, **kwargs):
    """
    Refuse a task worker without a shared cache: it keeps the plans of the large files it
    checks in the cache, where the app servers must find them to show the preview.
    """
    if settings.TASK_BACKEND == "database" and not settings.REDIS_URL:
        return [
            Error(
                "TASK_BACKEND is 'database' but the cache is each process's own memory: the "
                "previews of large imports, checked by the worker, would never show.",
                hint="Set REDIS_URL to the Redis the app servers and the worker share.",
                id="imports.E001",
            )
        ]
    return []
