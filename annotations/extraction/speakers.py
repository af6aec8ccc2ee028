"""Speaker attribution. Placeholder until the rules land."""

from annotations.extraction.sentences import Sentence


def attribute_speakers(text: str, sentences: list[Sentence]) -> list[str]:
    """Return one speaker per sentence, "" when unknown."""
    return ["" for _ in sentences]
