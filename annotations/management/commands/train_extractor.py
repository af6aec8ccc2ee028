import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from annotations.extraction.training import (
    DATASETS_DIR,
    cross_validate,
    fit_light_model,
    load_training_data,
    save_light_model,
)


class Command(BaseCommand):
    help = "Train the light check-worthiness model, or cross-validate it by debate."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--datasets", type=Path, default=DATASETS_DIR, help="Folder holding the benchmarks."
        )
        parser.add_argument(
            "--cross-validate", action="store_true", help="Report debate-level CV figures only."
        )
        parser.add_argument("--folds", type=int, default=5)

    def handle(self, *args: object, **options: object) -> None:
        data = load_training_data(options["datasets"])
        if options["cross_validate"]:
            report = cross_validate(data, folds=options["folds"], progress=self.stdout.write)
            self.stdout.write(json.dumps(report, indent=2))
            return
        version = save_light_model(fit_light_model(data.claimbuster))
        self.stdout.write(f"Saved {version} ({len(data.claimbuster)} ClaimBuster sentences)")
