from django.apps import AppConfig


class ProjectConfig(AppConfig):
    """
    The project package: settings, URLs, WSGI, and the wiring that spans the apps (the deploy
    checks, the audited models, the audit log's admin). It holds no models.
    """

    name = "tracker"
    # "tracker" is the accounts' label (accounts/apps.py), kept from before they moved out.
    label = "project"
    verbose_name = "Project"

    def ready(self):
        from core import formstash  # noqa: F401  (typed text kept through signing in)
        from tracker import checks  # noqa: F401  (the deploy checks)
        from tracker.audit import register_audited_models

        register_audited_models()
