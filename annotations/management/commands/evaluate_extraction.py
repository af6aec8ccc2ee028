from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from annotations.extraction import score_sentences
from annotations.extraction.evaluation import (
    SPEAKER_SET,
    claimbuster_report,
    clef_file_scores,
    clef_report,
    predict_speakers,
    read_articles,
    read_claimbuster,
    read_clef2019,
    read_speaker_set,
    speaker_report,
)
from annotations.extraction.scoring import resolve_scorer, scorer_version

# The BBC News development articles the speaker set was labelled on, beside the repository.
BBC_ARTICLES = (
    Path(__file__).resolve().parents[3].parent
    / "shared"
    / "datasets"
    / "bbc_news"
    / "articles_dev.jsonl"
)


class Command(BaseCommand):
    help = (
        "Score a ClaimBuster CSV or CLEF-2019 Task 1 files with the workers' scorer and print the measures, "
        "or (--format speakers) print speaker attribution accuracy on the hand-labelled BBC sentences."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--format", choices=["claimbuster", "clef2019", "speakers"], required=True
        )
        parser.add_argument("--scorer", choices=["light", "transformer"], default="light")
        parser.add_argument(
            "--threshold", type=float, default=0.5, help="ClaimBuster: score that counts as CFS."
        )
        parser.add_argument(
            "--articles",
            type=Path,
            default=BBC_ARTICLES,
            help="speakers: the BBC News articles JSONL the labels point into.",
        )
        parser.add_argument(
            "files",
            nargs="*",
            help="The benchmark files; for speakers, label CSVs (default: the committed set).",
        )

    def handle(self, *args: object, **options: object) -> None:
        if options["format"] == "speakers":
            self.evaluate_speakers(options["files"] or [SPEAKER_SET], options["articles"])
            return
        if not options["files"]:
            raise CommandError(f"Name the {options['format']} files to score.")
        scorer = options["scorer"]
        if resolve_scorer(scorer) != scorer:
            self.stderr.write(f"The {scorer} model is not available; scoring with light.")
        self.stdout.write(f"scorer: {scorer_version(scorer)}")
        if options["format"] == "claimbuster":
            sentences = [s for path in options["files"] for s in read_claimbuster(path)]
            scores = score_sentences([s.text for s in sentences], scorer=scorer)
            self.stdout.write(claimbuster_report(sentences, scores, options["threshold"]))
            return
        per_file = {}
        for path in options["files"]:
            sentences = read_clef2019(path)
            scores = score_sentences(
                [s.text for s in sentences], scorer=scorer, speakers=[s.speaker for s in sentences]
            )
            per_file[sentences[0].group if sentences else path] = clef_file_scores(
                sentences, scores
            )
        self.stdout.write(clef_report(per_file))

    def evaluate_speakers(self, files: list, articles_path: Path) -> None:
        if not Path(articles_path).is_file():
            raise CommandError(
                f"The articles file {articles_path} does not exist; pass --articles with the BBC News "
                "articles_dev.jsonl."
            )
        labelled = [item for path in files for item in read_speaker_set(path)]
        articles = read_articles(articles_path, {item.article for item in labelled})
        try:
            predicted = predict_speakers(labelled, articles)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"speakers: {len(labelled)} labelled sentences, {len(articles)} articles")
        self.stdout.write(speaker_report(labelled, predicted))
