from django.apps import AppConfig


class ResponsesConfig(AppConfig):
    name = "responses"
    verbose_name = "Responses and updates"

    def ready(self):
        from responses import caching

        caching.register()
