"""Split text into sentences with exact character offsets.

Every sentence satisfies ``text[start:end] == sentence`` and has no surrounding whitespace, so offsets can be
stored and highlighted later without re-searching the text. Splitting is rule-based (regular expressions plus a
small abbreviation list): it is fast, has no model to load, and its mistakes are easy to explain.
"""

import re
from collections.abc import Iterator
from typing import NamedTuple


class Sentence(NamedTuple):
    start: int
    end: int
    text: str


# Lower-cased, without the final dot. A dot after one of these does not end a sentence.
ABBREVIATIONS = frozenset(
    """
    mr mrs ms dr prof sr jr st mt ft gen col lt sgt capt cmdr adm gov sen rep rev hon pres supt det insp
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun
    no nos vol vols p pp fig figs ch sec art para ed eds approx est dept univ inc ltd co corp bros assn
    vs v cf al ca ave blvd rd hwy mass calif fla ill penn tenn wash ariz colo conn
    """.split()
)

# "LEHRER: Good evening", "MR. TRUMP: ...", "Mrs. Clinton: ...": transcript speaker labels at the start of a line.
# Only capitalised labels count, so that "Note: ..." in prose is not taken for a speaker.
SPEAKER_LABEL = re.compile(
    r"[ \t]*(?P<speaker>[A-Z][A-Z.'\-]*(?:[ ][A-Z][A-Z.'\-]*){0,4}|(?:Mr|Mrs|Ms|Dr)\.[ ][A-Z][\w'\-]+)"
    r":[ \t]+(?=\S)"
)

# "- item", "* item", "• item", "1. item", "2) item", "a) item" at the start of a line.
_LIST_MARKER = re.compile(r"[ \t]*(?:[-*•–]|\d{1,3}[.)]|[a-zA-Z][)])[ \t]+")

# Sentence-final punctuation, then any closing quotes or brackets, then whitespace.
_BOUNDARY = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s)")

_TOKEN_BEFORE_DOT = re.compile(r"([\w.\-']+)\.$")
_INITIALISM = re.compile(r"(?:\w\.)+\w")  # U.S, e.g, i.e, a.m
_LINE = re.compile(r"[^\n]*\n?")


def split_sentences(text: str) -> Iterator[Sentence]:
    """Yield the sentences of ``text`` in order, with exact offsets.

    A blank line always ends a sentence. A single line break ends one too (headings, bylines, list items and
    transcript lines are units of their own) unless the next line starts in lower case, which is how a hard-wrapped
    sentence continues. Transcript speaker labels ("LEHRER: ") are left out of the sentence.
    """
    for unit_start, unit_end in _iter_units(text):
        yield from _split_unit(text, unit_start, unit_end)


def _iter_units(text: str) -> Iterator[tuple[int, int]]:
    """Yield (start, end) of runs of lines that may hold one or more sentences."""
    unit_start = unit_end = -1
    for match in _LINE.finditer(text):
        line = match.group()
        if not line:
            break
        content = line.rstrip()
        stripped = content.lstrip()
        if not stripped:
            if unit_start >= 0:
                yield unit_start, unit_end
                unit_start = -1
            continue
        start = match.start() + len(content) - len(stripped)
        end = match.start() + len(content)
        label = SPEAKER_LABEL.match(text, match.start(), end)
        if label:
            start = label.end()
        continues = unit_start >= 0 and not label and stripped[0].islower()
        if continues:
            unit_end = end
            continue
        if unit_start >= 0:
            yield unit_start, unit_end
        unit_start, unit_end = start, end
    if unit_start >= 0:
        yield unit_start, unit_end


def _split_unit(text: str, start: int, end: int) -> Iterator[Sentence]:
    sentence_start = start
    marker = _LIST_MARKER.match(text, start, end)
    # A list number such as "1." must not be taken for the end of a sentence.
    search_from = marker.end() if marker else start
    for match in _BOUNDARY.finditer(text, search_from, end):
        if not _ends_sentence(text, match, sentence_start, end):
            continue
        yield from _make_sentence(text, sentence_start, match.end())
        sentence_start = match.end()
    yield from _make_sentence(text, sentence_start, end)


def _ends_sentence(text: str, match: re.Match, sentence_start: int, unit_end: int) -> bool:
    next_start = match.end()
    while next_start < unit_end and text[next_start].isspace():
        next_start += 1
    if next_start >= unit_end:
        return True
    following = text[next_start]
    # "“Why?” he asked." and "approx. five" go on; so does a dot followed by a comma-like character.
    if following.islower() or following in ",;:":
        return False
    punctuation = match.group().rstrip("\"'”’»)]")
    if punctuation != ".":
        return True
    before = _TOKEN_BEFORE_DOT.search(
        text, max(sentence_start, match.start() - 40), match.start() + 1
    )
    if not before:
        return True
    token = before.group(1).lstrip("(\"'“‘«-")
    word = token.rsplit("-", 1)[-1].lower()  # "R-Mass." -> "mass"
    if word in ABBREVIATIONS:
        return False
    if len(token) == 1 and token.isupper():  # an initial, as in "George W. Bush"
        return False
    return not _INITIALISM.fullmatch(token)  # "U.S.", "e.g.", "a.m." keep the sentence going


def _make_sentence(text: str, start: int, end: int) -> Iterator[Sentence]:
    chunk = text[start:end]
    stripped = chunk.strip()
    if not any(character.isalnum() for character in stripped):
        return
    offset = start + len(chunk) - len(chunk.lstrip())
    yield Sentence(offset, offset + len(stripped), stripped)
