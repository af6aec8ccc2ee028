"""Claim extraction: sentences with exact offsets, check-worthiness scores, claim types and speakers.

This package does not import Django, so workers, the evaluation command and tests all use the same code.
"""

from dataclasses import dataclass

from annotations.extraction.claim_types import tag_claim_types
from annotations.extraction.scoring import (
    available_scorers,
    resolve_scorer,
    score_sentences,
    scorer_version,
)
from annotations.extraction.sentences import Sentence, split_sentences
from annotations.extraction.speakers import attribute_speakers, speaker_of_span

__all__ = [
    "Candidate",
    "available_scorers",
    "extract_candidates",
    "extract_many",
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
    return make_candidates(sentences, speakers, scores), scorer_version(scorer)


def extract_many(texts: list[str], scorer: str = "light") -> tuple[list[list[Candidate]], str]:
    """The candidates of each text, as `extract_candidates` finds them, with the light scorer
    run once over all their sentences: for thousands of short documents, one call per document
    spends more time setting up than scoring. The light scorer scores each sentence on its own,
    so the scores are the same as one text at a time. The transformer pads each batch to its
    longest sentence, so it keeps to one text per call and every score stays as it would be."""
    if resolve_scorer(scorer) != "light":
        results = [extract_candidates(text, scorer) for text in texts]
        return [candidates for candidates, _ in results], scorer_version(scorer)
    split = [list(split_sentences(text)) for text in texts]
    speakers = [
        attribute_speakers(text, sentences) for text, sentences in zip(texts, split, strict=True)
    ]
    scores = score_sentences([s.text for sentences in split for s in sentences], scorer=scorer)
    candidates, offset = [], 0
    for sentences, text_speakers in zip(split, speakers, strict=True):
        candidates.append(
            make_candidates(sentences, text_speakers, scores[offset : offset + len(sentences)])
        )
        offset += len(sentences)
    return candidates, scorer_version(scorer)


def make_candidates(
    sentences: list[Sentence], speakers: list[str], scores: list[float]
) -> list[Candidate]:
    return [
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
