from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AnnotationsConfig(AppConfig):
    name = "annotations"
    verbose_name = "Fact-checking workbench"

    def ready(self) -> None:
        from .scales import create_preset_scales

        post_migrate.connect(create_preset_scales, sender=self)
