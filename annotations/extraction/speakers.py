"""Who said a sentence: transcript labels, and quote attribution in news prose.

Rules, not a model: "“…,” Trump said", "said Trump", "Trump emphasized, “…”", "according to the Kremlin, …",
"Putin commented that …", "…, stating: «…»". A quote sentence without its own attribution takes the one of the
nearest sentence in the same paragraph, and "he"/"she" stand for the most recent person named as a speaker or as a
sentence's subject in the same or the previous paragraph.
"""

import re
from collections.abc import Sequence

from annotations.extraction.sentences import SPEAKER_LABEL, Sentence

_VERBS = (
    r"said|says|stated|states|remarked|added|adds|noted|notes|told|tells|commented|comments|emphasi[sz]ed|"
    r"stressed|claimed|claims|asked|asks|explained|insisted|argued|warned|declared|announced|wrote|writes|replied|"
    r"responded|acknowledged|continued|admitted|suggested|mentioned|indicated|tweeted|posted|recalled|predicted|"
    r"promised|vowed|conceded|concluded|confirmed|denied|estimated|reported|repeated|asserted|maintained|"
    r"cautioned|boasted|joked|urged|countered"
)
_PARTICIPLES = (
    r"stating|saying|adding|noting|declaring|insisting|telling|warning|arguing|explaining|writing|describing|"
    r"calling|praising|citing|stressing|emphasi[sz]ing|claiming|predicting|promising|suggesting|"
    r"acknowledging|asserting|boasting|vowing|remarking|commenting|characteri[sz]ing|labell?ing|dubbing"
)
_NAME_WORD = r"[A-Z][\w\-]*(?:\.(?=\s[A-Z]))?"
_NAME = rf"{_NAME_WORD}(?:\s{_NAME_WORD}){{0,3}}"
_ROLE = (
    r"(?:a|an|the|one)\s(?:\w+\s)?(?:reporter|spokesman|spokeswoman|spokesperson|official|minister|source|aide|"
    r"analyst|expert|statement|report|ministry|government)"
)
_TITLE_WORDS = r"(?:President|Prime Minister|Chancellor|Senator|Governor|Mr\.|Mrs\.|Ms\.|Dr\.)"
_WHO = rf"(?P<who>\b(?:he|she|He|She|[Tt]he\s{_NAME}|{_ROLE}|{_NAME})\b)"

_QUOTED = re.compile(r"“[^”]*”|«[^»]*»|\"[^\"]*\"|‘[^’]*’(?!\w)")
_QUOTE_MARK = re.compile(r"[“”«»\"]")
_AFTER_QUOTE = re.compile(rf"Q[,.!?]?\s+{_WHO}\s+(?:\w+ly\s+)?(?:{_VERBS})\b")
_VERB_FIRST = re.compile(rf"Q[,.!?]?\s+(?:{_VERBS})\s+{_WHO}")
_ACCORDING_TO = re.compile(rf"\b[Aa]ccording to {_WHO}")
_WHO_VERB = re.compile(rf"{_WHO}\s+(?:\w+ly\s+)?(?:{_VERBS})\b(?P<rest>.{{0,6}})")
_PARTICIPLE = re.compile(rf",\s+(?:{_PARTICIPLES})\b")
# A sentence's subject, after an optional opening adverb ("However, he exhibited ...").
_SUBJECT = re.compile(rf"^(?:[A-Z][a-z]+,\s+)?(?P<who>he\b|she\b|{_NAME}|[Tt]he\s{_NAME})")
_FULL_NAME = re.compile(r"\b([A-Z][a-z]+)\s([A-Z][a-z]+)\b")
# A named person doing something at the start of a sentence ("Putin has reiterated ..."): the person a later
# "he"/"she" most likely stands for.
_PERSON_SUBJECT = re.compile(
    rf"^(?:[A-Z][a-z]+,\s+)?(?:{_TITLE_WORDS}\s)?(?P<who>{_NAME})(?:,[^,]{{1,60}},)?\s+(?:\w+ly\s+)?[a-z]+\b"
)

# Words that start a sentence in capitals without being anyone's name.
_NOT_NAMES = frozenset(
    "The A An In On At As By For From With Without During After Before But And Or So Yet If When While Although "
    "This That These Those It Its There Here However Despite Meanwhile Speaking Having Leading Growing".split()
)
_TITLES = re.compile(
    r"^(?:(?:U\.S\.|US|Russian|Ukrainian|Former|former)\s)?"
    r"(?:President|Prime Minister|Mr\.|Mrs\.|Ms\.|Dr\.|Sen\.|Gov\.|Rep\.)\s"
)
_PRONOUNS = frozenset({"he", "she"})


def attribute_speakers(text: str, sentences: Sequence[Sentence]) -> list[str]:
    """Return one speaker per sentence, "" when unknown.

    In a transcript (two or more ``SPEAKER:`` lines) each sentence belongs to the last label before it. In prose,
    only quotes and reported speech get a speaker; the rest is the author's.
    """
    if _is_transcript(text):
        return _transcript_speakers(text, sentences)
    speakers = [""] * len(sentences)
    # The most recent named person (a speaker, or a sentence's subject) and the paragraph it was seen in:
    # "he"/"she" stand for that person when it is in the same or the previous paragraph.
    last_person, last_paragraph = "", -2
    # A one-word subject counts as a person when the text also names them in full ("Vladimir Putin") or they
    # were quoted; "Markets were calm" is not a person.
    people = {
        match.group(2)
        for match in _FULL_NAME.finditer(text[:200_000])
        if match.group(1) not in _NOT_NAMES
    }
    for number, paragraph in enumerate(_paragraphs(text, sentences)):
        found: dict[int, str] = {}
        quoted: set[int] = set()
        in_quote = False
        for index in paragraph:
            sentence = sentences[index].text
            if in_quote or _QUOTE_MARK.search(sentence):
                quoted.add(index)
            in_quote = _ends_inside_quote(sentence, in_quote)
            who = _find_attribution(
                sentence, in_quote_at_start=index in quoted and not _QUOTE_MARK.search(sentence)
            )
            if who.lower() in _PRONOUNS:
                who = last_person if number - last_paragraph <= 1 else ""
                if who:  # "... he added." keeps the same person in view for the next paragraph
                    last_paragraph = number
            elif who:
                last_person, last_paragraph = who, number
                people.add(who.split()[-1])
            else:
                subject = _PERSON_SUBJECT.match(_QUOTED.sub("Q", sentence))
                name = _clean_name(subject.group("who")) if subject else ""
                if name and name.split()[-1] in people and _is_speaker(subject.group("who")):
                    last_person, last_paragraph = name, number
            if who:
                found[index] = who
        for index in paragraph:
            if index in found:
                speakers[index] = found[index]
            elif index in quoted:
                speakers[index] = _nearest(found, index, paragraph)
    return speakers


def _find_attribution(sentence: str, in_quote_at_start: bool) -> str:
    outside = _QUOTED.sub("Q", sentence)
    # An unclosed quote runs to the end of the sentence; a closing mark without an opener started earlier.
    outside = re.sub(r"[“«\"][^”»\"]*$", "Q", outside)
    outside = re.sub(r"^[^“«\"]*[”»]", "Q", outside)
    has_quote = "Q" in outside and outside != sentence
    for pattern in (_AFTER_QUOTE, _VERB_FIRST, _ACCORDING_TO):
        match = pattern.search(outside)
        if match and _is_speaker(match.group("who")):
            return _clean_name(match.group("who"))
    for match in _WHO_VERB.finditer(outside):
        # Reported speech needs a quote or "that"/":" after the verb; "Trump said no" is not attribution.
        if _is_speaker(match.group("who")) and (
            has_quote or re.match(r"[:,]|\sthat\b", match.group("rest"))
        ):
            return _clean_name(match.group("who"))
    if has_quote and _PARTICIPLE.search(outside):
        subject = _SUBJECT.match(outside)
        if subject and _is_speaker(subject.group("who")):
            return _clean_name(subject.group("who"))
    return ""


def _is_speaker(who: str) -> bool:
    first = who.split()[0]
    return (
        first not in _NOT_NAMES
        or first in ("The", "the")
        and len(who.split()) > 1
        and who.split()[1][0].isupper()
    )


def _clean_name(who: str) -> str:
    who = _TITLES.sub("", who.strip())
    if who.lower() in _PRONOUNS:
        return who.lower()
    return re.sub(r"^[Tt]he\s", "the ", re.sub(r"^(?:a|an|one)\s", "", who))


def _ends_inside_quote(sentence: str, in_quote: bool) -> bool:
    for mark in _QUOTE_MARK.findall(sentence):
        if mark in "“«":
            in_quote = True
        elif mark in "”»":
            in_quote = False
        else:
            in_quote = not in_quote
    return in_quote


def _nearest(found: dict[int, str], index: int, paragraph: list[int]) -> str:
    position = paragraph.index(index)
    for distance in range(1, len(paragraph)):
        for neighbour in (
            position - distance,
            position + distance,
        ):  # the previous sentence wins a tie
            if 0 <= neighbour < len(paragraph) and paragraph[neighbour] in found:
                return found[paragraph[neighbour]]
    return ""


def _paragraphs(text: str, sentences: Sequence[Sentence]) -> list[list[int]]:
    paragraphs: list[list[int]] = []
    previous_end = None
    for index, sentence in enumerate(sentences):
        if previous_end is None or "\n" in text[previous_end : sentence.start]:
            paragraphs.append([])
        paragraphs[-1].append(index)
        previous_end = sentence.end
    return paragraphs


def _is_transcript(text: str) -> bool:
    labels = 0
    for line in text[:200_000].splitlines():
        if SPEAKER_LABEL.match(line):
            labels += 1
            if labels >= 2:
                return True
    return False


def _transcript_speakers(text: str, sentences: Sequence[Sentence]) -> list[str]:
    speakers = []
    current = ""
    previous_end = 0
    for sentence in sentences:
        line_start = text.rfind("\n", 0, sentence.start) + 1
        if line_start >= previous_end:
            label = SPEAKER_LABEL.match(text, line_start, sentence.end)
            if label and label.end() == sentence.start:
                current = label.group("speaker").strip()
        speakers.append(current)
        previous_end = sentence.end
    return speakers
