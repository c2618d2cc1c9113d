from django.apps import AppConfig


class RecommendationsConfig(AppConfig):
    name = "recommendations"
    verbose_name = "Super-complaints and recommendations"

    def ready(self):
        from recommendations import caching

        caching.register()
