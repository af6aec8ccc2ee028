import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from annotations.extraction.scoring import LIGHT_MODEL_PATH
from annotations.extraction.transformer import transformer_installed
from annotations.training.debates import (
    DATASETS_DIR,
    cross_validate,
    held_aside_split,
    load_training_data,
    validation_split,
)
from annotations.training.light import (
    fit_light_model,
    fit_light_scorer,
    save_light_model,
    taught_light_fit,
    teacher_scores,
    unlabelled_sentences,
)


class Command(BaseCommand):
    help = (
        "Train a check-worthiness scorer. light: retrain the committed model, or cross-validate it by "
        "debate. transformer: fine-tune the MiniLM encoder on the debates outside the held-aside fold, "
        "report CFS figures on the held-aside debates, export int8 ONNX to the data directory."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scorer", choices=["light", "transformer"], default="light")
        parser.add_argument(
            "--datasets", type=Path, default=DATASETS_DIR, help="Folder holding the benchmarks."
        )
        parser.add_argument(
            "--cross-validate",
            action="store_true",
            help="Report debate-level CV figures only (transformer: one model per fold, kept in --output).",
        )
        parser.add_argument("--folds", type=int, default=5)
        parser.add_argument(
            "--output",
            type=Path,
            default=None,
            help=(
                "light: model file (default the committed annotations/extraction/models/light.json.gz); "
                "transformer: model folder (default FACTCHECK_DATA_DIR/models/transformer)."
            ),
        )
        parser.add_argument(
            "--epochs",
            type=int,
            default=2,
            help="transformer: epochs to train; the best on the validation debates is kept.",
        )
        parser.add_argument(
            "--limit", type=int, default=0, help="transformer: train on the first N sentences only."
        )
        parser.add_argument(
            "--tiny",
            action="store_true",
            help="transformer: prove the path end to end in seconds (200 sentences, 1 epoch, 32 tokens).",
        )
        parser.add_argument(
            "--teacher",
            type=Path,
            default=None,
            help=(
                "light: also learn from this transformer model's scores on unlabelled sentences; with "
                "--cross-validate, the folder of the transformer's cross-validation models (fold-N)."
            ),
        )
        parser.add_argument(
            "--all-debates",
            action="store_true",
            help="transformer: also train on the held-aside debates (no held-out figures).",
        )

    def handle(self, *args: object, **options: object) -> None:
        data = load_training_data(options["datasets"])
        if options["scorer"] == "transformer":
            self.train_transformer(data, options)
        else:
            self.train_light(data, options)

    def train_light(self, data, options: dict) -> None:
        teacher = options["teacher"]
        if teacher:
            self.check_teacher(teacher, options["folds"] if options["cross_validate"] else 0)
        try:
            if options["cross_validate"]:
                fit = fit_light_scorer
                if teacher:
                    fit = taught_light_fit(
                        data,
                        teacher,
                        options["datasets"],
                        folds=options["folds"],
                        progress=self.stdout.write,
                    )
                self.report_cross_validation(data, options["folds"], fit)
                return
            scored, teacher_version = [], ""
            if teacher:
                texts = unlabelled_sentences(data, options["datasets"])
                scored, teacher_version = teacher_scores(teacher, texts)
        except FileNotFoundError as exc:
            raise CommandError(
                f"{exc.filename} is missing: the teacher scores the sentences of the CLEF-2019 and "
                "ClaimBuster debates, LIAR and the BBC articles."
            ) from exc
        state = fit_light_model(data.claimbuster, scored)
        if teacher_version:
            state["training"]["teacher"] = teacher_version
        version = save_light_model(state, options["output"] or LIGHT_MODEL_PATH)
        self.stdout.write(
            f"Saved {version} ({len(data.claimbuster)} ClaimBuster sentences, "
            f"{len(scored)} scored by the teacher)"
        )

    def report_cross_validation(self, data, folds: int, fit) -> None:
        """Print the debate-level cross-validation report (JSON) of `fit`."""
        report = cross_validate(data, fit, folds=folds, progress=self.stdout.write)
        self.stdout.write(json.dumps(report, indent=2))

    def check_teacher(self, teacher: Path, folds: int) -> None:
        for model_dir in [teacher / f"fold-{n + 1}" for n in range(folds)] or [teacher]:
            if not transformer_installed(model_dir):
                raise CommandError(
                    f"No transformer model in {model_dir} (or onnxruntime and tokenizers are not "
                    "installed): train one with train_extractor --scorer transformer"
                    + (" --cross-validate." if folds else ".")
                )

    def train_transformer(self, data, options: dict) -> None:
        try:
            from annotations.training.transformer import (
                cross_validation_fit,
                evaluate_transformer,
                train_transformer,
            )
        except ImportError as exc:
            raise CommandError(
                f"The transformer extra is not installed ({exc}); pip install -e '.[transformer]'."
            ) from exc
        output = options["output"] or settings.DATA_DIR / "models" / "transformer"
        if options["cross_validate"]:
            output = options["output"] or settings.DATA_DIR / "models" / "transformer-cv"
            fit = cross_validation_fit(output, epochs=options["epochs"], progress=self.stdout.write)
            self.report_cross_validation(data, options["folds"], fit)
            return
        if options["all_debates"]:
            train, held_out = data.claimbuster, []
        else:
            train, held_out = held_aside_split(data, folds=options["folds"])
        epochs, max_length = options["epochs"], 96
        limit = options["limit"]
        if options["tiny"]:
            limit, epochs, max_length = limit or 200, 1, 32
        if limit:
            # Every n-th sentence keeps both classes and several debates in a small subset.
            train = train[:: max(1, len(train) // limit)][:limit]
            held_out = held_out[:: max(1, len(held_out) // limit)][:limit]
        train, validation = validation_split(train)
        version = train_transformer(
            train,
            output,
            validation=validation,
            epochs=epochs,
            max_length=max_length,
            progress=self.stdout.write,
        )
        self.stdout.write(
            f"Saved {version} to {output} ({len(train)} sentences, {len(validation)} for validation)"
        )
        if held_out:
            figures = evaluate_transformer(output, held_out)
            self.stdout.write(json.dumps({"held_aside_debates_cfs": figures}))
