from django.apps import AppConfig
from django.db.models import ForeignKey
from django.db.models.signals import post_migrate


class AnnotationsConfig(AppConfig):
    name = "annotations"
    verbose_name = "Fact-checking workbench"

    def ready(self) -> None:
        from .exports.postgresql import AnyOf
        from .scales import create_preset_scales

        post_migrate.connect(create_preset_scales, sender=self)
        # `fk__any_of`, which exports read a chunk's annotations, sources and reviews with.
        ForeignKey.register_lookup(AnyOf)
