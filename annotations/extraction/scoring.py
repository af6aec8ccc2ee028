"""Check-worthiness scorers. Placeholder heuristic until the trained model lands."""

import re

_NUMBER = re.compile(r"\d")


def available_scorers() -> dict[str, bool]:
    """Which scorers can run in this process."""
    return {"light": True, "transformer": False}


def scorer_version(scorer: str = "light") -> str:
    """The version string stored with every claim the scorer scores."""
    return "light-heuristic-0"


def score_sentences(sentences: list[str], scorer: str = "light", speakers: list[str] | None = None) -> list[float]:
    """Check-worthiness of each sentence, in [0, 1]."""
    return [min(1.0, 0.2 + 0.4 * bool(_NUMBER.search(s)) + 0.01 * len(s.split())) for s in sentences]
