"""Claim extraction: sentences with exact offsets, check-worthiness scores, claim types and speakers.

This package does not import Django, so workers, the evaluation command and tests all use the same code.
"""

from dataclasses import dataclass

from annotations.extraction.claim_types import tag_claim_types
from annotations.extraction.scoring import available_scorers, score_sentences, scorer_version
from annotations.extraction.sentences import split_sentences
from annotations.extraction.speakers import attribute_speakers, speaker_of_span

__all__ = [
    "Candidate",
    "available_scorers",
    "extract_candidates",
    "score_sentences",
    "speaker_of_span",
]


@dataclass(frozen=True)
class Candidate:
    start: int  # offsets into the text passed in
    end: int
    text: str  # == text[start:end]
    score: float  # check-worthiness in [0, 1]
    speaker: str  # "" when unknown
    claim_types: tuple[str, ...]


def extract_candidates(text: str, scorer: str = "light") -> tuple[list[Candidate], str]:
    """All sentences of text, scored; returns (candidates, extractor_version).

    The version names the scorer that actually ran: asking for "transformer" without its trained model gives
    light scores and a light version, so a stored claim never claims a model that did not score it.
    """
    sentences = list(split_sentences(text))
    speakers = attribute_speakers(text, sentences)
    scores = score_sentences([s.text for s in sentences], scorer=scorer, speakers=speakers)
    candidates = [
        Candidate(
            start=sentence.start,
            end=sentence.end,
            text=sentence.text,
            score=score,
            speaker=speaker,
            claim_types=tag_claim_types(sentence.text),
        )
        for sentence, speaker, score in zip(sentences, speakers, scores, strict=True)
    ]
    return candidates, scorer_version(scorer)
