from django.conf import settings
from django.core.checks import Tags, Warning, register


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
