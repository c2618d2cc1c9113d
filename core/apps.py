from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared helpers the feature apps build on; it imports none of them."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "core"
    verbose_name = "Core"

    def ready(self):
        from . import metrics

        metrics.install()
