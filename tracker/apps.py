from django.apps import AppConfig


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = "Tracker: users and memberships"

    def ready(self):
        from tracker import checks  # noqa: F401  (registers the deploy checks)
        from tracker.accounts import signals  # noqa: F401  (sign-in clocks, deactivation)
        from tracker.audit import register_audited_models

        register_audited_models()
