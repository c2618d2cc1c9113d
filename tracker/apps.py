from django.apps import AppConfig


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = "Tracker: users and memberships"

    def ready(self):
        # Registered on import: the deploy checks, and typed text kept through signing in.
        from tracker import checks, formstash  # noqa: F401
        from tracker.accounts import signals  # noqa: F401  (sign-in clocks, deactivation)
        from tracker.audit import register_audited_models

        register_audited_models()
