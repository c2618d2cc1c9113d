from django.apps import AppConfig


class ReportingConfig(AppConfig):
    """The dashboards, the overview and the figures behind them."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "reporting"
    verbose_name = "Dashboards and overview"
