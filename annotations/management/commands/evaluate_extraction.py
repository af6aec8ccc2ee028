from django.core.management.base import BaseCommand, CommandParser

from annotations.extraction import score_sentences
from annotations.extraction.evaluation import (
    claimbuster_report,
    clef_file_scores,
    clef_report,
    read_claimbuster,
    read_clef2019,
)
from annotations.extraction.scoring import resolve_scorer, scorer_version


class Command(BaseCommand):
    help = "Score a ClaimBuster CSV or CLEF-2019 Task 1 files with the workers' scorer and print the measures."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["claimbuster", "clef2019"], required=True)
        parser.add_argument("--scorer", choices=["light", "transformer"], default="light")
        parser.add_argument(
            "--threshold", type=float, default=0.5, help="ClaimBuster: score that counts as CFS."
        )
        parser.add_argument("files", nargs="+")

    def handle(self, *args: object, **options: object) -> None:
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
