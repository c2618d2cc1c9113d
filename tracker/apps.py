from django.apps import AppConfig


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = "Tracker: users and memberships"

    def ready(self):
        from tracker import checks  # noqa: F401  (registers the deploy checks)
        from tracker.audit import register_audited_models

        register_audited_models()
