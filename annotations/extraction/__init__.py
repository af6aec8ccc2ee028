"""Placeholder until the extraction branch lands."""

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Candidate:
    start: int
    end: int
    text: str
    score: float
    speaker: str
    claim_types: tuple[str, ...]


def extract_candidates(text: str, scorer: str = "light") -> tuple[list[Candidate], str]:
    out = []
    for m in re.finditer(r"[^.!?\n]+[.!?]*", text):
        s = m.group().strip()
        if not s:
            continue
        start = m.start() + (len(m.group()) - len(m.group().lstrip()))
        score = 0.9 if re.search(r"\d", s) else 0.6
        out.append(Candidate(start, start + len(s), s, score, "", ()))
    return out, "placeholder-0"


def available_scorers() -> dict[str, bool]:
    return {"light": True, "transformer": False}
