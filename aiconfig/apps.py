from django.apps import AppConfig


class AiconfigConfig(AppConfig):
    name = "aiconfig"
    verbose_name = "AI configuration"
