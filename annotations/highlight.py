"""Cutting a document's text into plain and highlighted pieces for display."""

from __future__ import annotations

from dataclasses import dataclass

from .models import Claim


@dataclass
class Segment:
    text: str
    claim: Claim | None = None


def segment_text(text: str, claims: list[Claim]) -> list[Segment]:
    """The text as consecutive segments, each claim's span its own segment.

    Claims that overlap an earlier one are left out of the highlighting (they are still
    listed beside the text)."""
    segments: list[Segment] = []
    position = 0
    for claim in sorted(claims, key=lambda c: (c.start, -c.end)):
        if claim.start < position:
            continue
        if claim.start > position:
            segments.append(Segment(text[position : claim.start]))
        segments.append(Segment(text[claim.start : claim.end], claim))
        position = claim.end
    if position < len(text):
        segments.append(Segment(text[position:]))
    return segments
