from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "evidence"
    verbose_name = "Evidence files"

    def ready(self):
        from evidence import caching, signals  # noqa: F401  (stored files go with their rows)

        caching.register()
