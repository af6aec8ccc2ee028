"""Who said a sentence: transcript labels, and attribution in news prose.

Rules, not a model (``docs/speakers.md`` says why). In prose a sentence gets a speaker when it reports what
someone said, with or without quotation marks:

- a subject and a verb of saying: "Mayor Ana Ribeiro said the wall would cost…", "The CML said…",
  "Robert Jackson, 58, MP for Wantage, said…", "An executive spokesman warned…";
- the same after the reported words: "…, the firm has said.", "“…,” said Angela Merkel", "…, says Stephen Dyer";
- "according to the regional audit office, …";
- "he"/"she" stand for the sentence's own subject when it is a person ("Oliver Letwin, …, affects bewilderment
  at what he believes"), else for the most recent person named (as a speaker or as a sentence's subject) whose
  title or role does not say otherwise and who is not named in the same sentence; "it"/"they" for the most
  recent organisation or group;
- a quote without an attribution of its own takes the one of the quote it continues, else of the sentence
  before it, else of the sentence after it.

Everything else is the author's, and has no speaker. ``evaluate_extraction --format speakers`` measures this
on BBC sentences labelled by hand (``data/README.md``).
"""

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from annotations.extraction import speaker_words as vocab
from annotations.extraction.sentences import SPEAKER_LABEL, Sentence, split_sentences

_SAYING_WORDS = frozenset(vocab.SAYING)
_GUARDS = {verb: re.compile(follow) for verb, follow in vocab.GUARDED.items()}
# Lower-case whole words ("think" is not the start of "think-tank"), to look up among the verbs.
_LOWER_WORD = re.compile(r"(?<![\w\-])[a-z]+(?![\w\-])")
_BELIEF = re.compile(
    r"\b(?:is|are|was|were)\s+(?:\w+ly\s+)?"
    r"(?:concerned|confident|convinced|adamant|optimistic|sure|worried)\s+(?:that|of)\b"
)
# "According to" opens a sentence or follows a comma or space in lower case ("The World According to Bex" is a
# title).
_ACCORDING_TO = re.compile(r"(?:^|(?<=Q )|(?<=Q, ))According to\s+|(?<=[\s,(])according to\s+")
_PARTICIPLE = re.compile(
    r",\s+(?:saying|stating|adding"
    + vocab.NOT_AN_AMOUNT
    + r"|noting|declaring|insisting|telling|warning|"
    r"arguing|explaining|claiming|predicting|stressing|pointing out|pointing to|describing|calling|urging|"
    r"asserting|mentioning|remarking|commenting|acknowledging|suggesting|praising|citing|emphasi[sz]ing)\b"
)
# Words before a verb that leave its subject further back: "has already said", "all said", "bitterly criticised".
_AUXILIARIES = re.compile(
    r"(?:^|\s)(?:also|has|have|had|already|all|both|earlier|later|previously|now|then|recently|repeatedly|"
    r"again|still|even|did|does|do|not|never|once|would|could|will|may|might|must|should|can|\w+ly)$"
)
# "is said to", "was told", "to say": not someone saying something.
_NOT_ATTRIBUTION = re.compile(r"(?:^|\s)(?:is|are|was|were|be|been|being|to|I|we|We|you|You)$")

# Verbs whose object is the one spoken to: "…, told the BBC", "…, urged ministers".
_ADDRESSED = frozenset(
    {"told", "tells", "tell", "asked", "asks", "urged", "urges", "accused", "accuses"}
)
_QUOTE_MARK = re.compile(r"[\"“”«»‘’]|^'|(?<=[.,!?])'")
_SPACES = re.compile(r"\s+")
_SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+([,.!?;:])")
_CAPITALISED_RUN = re.compile(
    r"(?<![\w'’])(?:[A-Z]\.|[A-Z][\w\-]*)(?:[ \t]+(?:[A-Z]\.|[A-Z][\w\-]*))+(?![\w'’])"
)
_WORD = re.compile(r"[\w'’&./\-]+")


@dataclass
class _Speaker:
    name: str
    person: bool
    gender: str  # "f", "m" or "" when the text does not say
    sentence: int


def attribute_speakers(text: str, sentences: Sequence[Sentence]) -> list[str]:
    """Return one speaker per sentence, "" when unknown.

    In a transcript (two or more ``SPEAKER:`` lines) each sentence belongs to the last label before it. In prose,
    only quotes and reported speech get a speaker; the rest is the author's.
    """
    if _is_transcript(text):
        return _transcript_speakers(text, sentences)
    return _Reader(text).read([s.text for s in sentences])


def speaker_of_span(text: str, start: int, end: int) -> str:
    """The speaker of the words text[start:end], read in their context: what a claim marked by hand inherits.

    Only the paragraphs around the span are read (a few thousand characters before it, up to the end of its
    paragraph), so marking a claim in a long transcript costs no more than in a short article."""
    if _is_transcript(text):
        line_start = text.rfind("\n", 0, start) + 1
        while True:
            label = SPEAKER_LABEL.match(text, line_start)
            if label:
                return label.group("speaker").strip()
            if line_start == 0:
                return ""
            line_start = text.rfind("\n", 0, line_start - 1) + 1
    before = max(0, start - 3_000)
    window_start = text.rfind("\n\n", max(0, start - 20_000), before)
    window_start = window_start + 2 if window_start >= 0 else text.rfind("\n", 0, before) + 1
    window_end = text.find("\n\n", end, end + 20_000)
    window_end = window_end if window_end >= 0 else min(len(text), end + 20_000)
    window = text[window_start:window_end]
    sentences = list(split_sentences(window))
    speakers = _Reader(text).read([s.text for s in sentences])
    return next(
        (
            speaker
            for sentence, speaker in zip(sentences, speakers, strict=True)
            if speaker
            and sentence.start < end - window_start
            and sentence.end > start - window_start
        ),
        "",
    )


class _Reader:
    """Reads a text's sentences in order, keeping who was last named for the pronouns that follow."""

    def __init__(self, text: str) -> None:
        """``text`` is the whole document, for the names it gives in full."""
        # "Mr Brown" and "Brown" are shown as the full name the text gives ("Chancellor Gordon Brown" gives
        # "Gordon Brown"), and a one-word name the text also gives in full is a person's.
        self.full_names: dict[str, str] = {}
        for match in _CAPITALISED_RUN.finditer(text[:200_000]):
            if text[max(0, match.start() - 4) : match.start()].lower() == "the ":
                continue  # "the Birchfield Harrier" describes someone, it is not a name
            # The last two words, or three with an initial: "Americans Andy Roddick" and "Labour MP Karen
            # Buck" name Andy Roddick and Karen Buck, "George W. Bush" is whole.
            words = list(
                itertools.takewhile(
                    lambda w: (
                        w not in vocab.TITLES
                        and w not in vocab.NOT_NAMES
                        and w not in vocab.ORGANISATION_WORDS
                        and not w.isupper()
                    ),
                    reversed(match.group().split()),
                )
            )[::-1]
            words = words[-3:] if len(words) >= 3 and len(words[-2]) == 2 else words[-2:]
            if len(words) >= 2:
                self.full_names.setdefault(words[-1], " ".join(words))
        self.recent: list[_Speaker] = []

    def read(self, sentences: Sequence[str]) -> list[str]:
        speakers = [""] * len(sentences)
        speech = [False] * len(sentences)  # holds quoted speech
        groups: list[list[int]] = []  # the sentences of one quote, which share its speaker
        in_quote = False
        unmarked = 0  # sentences in a row inside a quote without a quotation mark
        for index, sentence in enumerate(sentences):
            # A quote never closed runs for a sentence or two without marks, not for the rest of the text.
            started_in_quote = in_quote and unmarked < 3
            masked, in_quote, quoted_words = _mask_quotes(sentence, started_in_quote)
            unmarked = unmarked + 1 if in_quote and not _QUOTE_MARK.search(sentence) else 0
            speech[index] = started_in_quote or in_quote or quoted_words >= 4
            if started_in_quote and groups:
                groups[-1].append(index)
            else:
                groups.append([index])
            speakers[index] = self._attribute(masked, index)
        # A quote without its own attribution: the one of the quote it belongs to, else of the sentence before
        # it, else of the quote sentence after it.
        for members in groups:
            if not any(speech[i] and not speakers[i] for i in members):
                continue
            named = next((speakers[i] for i in members if speakers[i]), "")
            before, after = members[0] - 1, members[-1] + 1
            if not named and before >= 0:
                named = speakers[before]
            if not named and after < len(sentences) and speech[after]:
                named = speakers[after]
            for i in members:
                if speech[i] and not speakers[i]:
                    speakers[i] = named
        return speakers

    def _attribute(self, masked: str, index: int) -> str:
        who = _find_attribution(masked)
        if who.lower() in ("he", "she"):
            # "Oliver Letwin, one of the men …, affects bewilderment at what he believes": the sentence's own
            # subject, when it is a person the text names.
            subject = _sentence_subject(masked)
            if subject and self._is_person(subject) and subject.split()[-1] in self.full_names:
                self._remember(subject, index)
                return self.recent[-1].name
        if who.lower() in vocab.PRONOUNS:
            speaker = self._resolve(who.lower(), index, masked)
            return speaker.name if speaker else ""
        if _refers_back(who, masked):
            # "The Scottish National Party's parliamentary leader argued …", "The 31-year-old said …": a
            # definite description of someone the text has just named, as a "she" or "he" would be.
            female = bool(vocab.FEMALE & set(who.lower().split()))
            speaker = self._resolve(
                "she" if female else "he", index, masked, within=3, any_gender=not female
            )
            if speaker:
                return speaker.name
        if who:
            self._remember(who, index)
            return self.recent[-1].name
        # Who the sentence is about: a person the text names in full, or an organisation ("The BPI is …"),
        # is whom a "he" or an "it" in the next sentences most likely means.
        subject = _sentence_subject(masked)
        if subject and (
            subject.split()[-1] in self.full_names
            if self._is_person(subject)
            else any(w.isupper() or w in vocab.ORGANISATION_WORDS for w in subject.split())
        ):
            self._remember(subject, index)
        return ""

    def _remember(self, who: str, index: int) -> None:
        name = self._display_name(who)
        words = who.lower().replace("’", "'").split()
        gender = "f" if vocab.FEMALE & set(words) else "m" if vocab.MALE & set(words) else ""
        known = next((s for s in self.recent if s.name == name), None)
        if known:
            self.recent.remove(known)
            gender = gender or known.gender
        self.recent.append(_Speaker(name, self._is_person(who), gender, index))

    def _resolve(
        self, pronoun: str, index: int, masked: str, within: int = 8, any_gender: bool = False
    ) -> _Speaker | None:
        """The most recent speaker or subject, within ``within`` sentences, that the pronoun can stand for: a
        person for "he"/"she" (of the other gender when the text says so), an organisation or group for
        "it"/"they"; never one named in the same sentence ("Growing exasperated with Putin, he warned …" is not
        Putin). With ``any_gender`` (a description that does not say), a named person of either gender."""
        wanted_person = pronoun in ("he", "she")
        named_here = set(re.findall(r"[A-Z][\w\-]+", masked))
        for speaker in reversed(self.recent):
            if index - speaker.sentence > within:
                break
            if speaker.person != wanted_person or speaker.name.split()[-1] in named_here:
                continue
            if any_gender:
                if not speaker.name[:1].isupper():
                    continue  # a description means someone the text has named
            elif (
                pronoun == "he"
                and speaker.gender == "f"
                or pronoun == "she"
                and speaker.gender == "m"
            ):
                continue
            if wanted_person and not any_gender:
                speaker.gender = "f" if pronoun == "she" else "m"
            speaker.sentence = index
            self.recent.remove(speaker)
            self.recent.append(speaker)
            return speaker
        return None

    def _display_name(self, who: str) -> str:
        words = who.split()
        while len(words) > 1 and words[0] in vocab.TITLES:
            words = words[1:]
        if len(words) > 1 and words[0].lower() in ("a", "an"):
            words = words[1:]
        if len(words) > 1 and words[0].lower() == "the":
            # "the CML" is shown as "CML", "the firm" and "the 31-year-old" keep their article.
            words = words[1:] if words[1][0].isupper() else ["the", *words[1:]]
        name = " ".join(words)
        full = self.full_names.get(words[-1], "")
        if full and (
            len(words) == 1 or name.endswith(" " + full) and all(w[0].isupper() for w in words)
        ):
            return full  # "Brown" is "Gordon Brown", "Labour MP Karen Buck" is Karen Buck
        return name

    def _is_person(self, who: str) -> bool:
        words = who.split()
        head = words[-1]
        if head[0].islower() or head == "Police":
            return head.lower() in vocab.PERSON_NOUNS or bool(re.fullmatch(r"\d+-year-old", head))
        if any(
            w in vocab.ORGANISATION_WORDS or w.isupper() and len(w) > 1 and w not in vocab.TITLES
            for w in words
        ):
            return False
        return words[0] in vocab.TITLES or head in self.full_names or len(words) >= 2


def _refers_back(who: str, masked: str) -> bool:
    """Whether a speaker is a definite description of one person with no name of its own, the way
    news refers back to someone just named: "the party's parliamentary leader", "the 31-year-old";
    not "the spokesman for the firm", "the club's new manager" (someone new) nor "the BPI"."""
    words = who.removeprefix("the ").split()
    if not words:
        return False
    phrase = " ".join(words)
    an_age = re.fullmatch(r"\d+-year-old", words[-1]) is not None
    a_role_of = (
        words[-1] in vocab.PERSON_NOUNS
        and any(w.endswith(("'s", "’s")) for w in words)
        and not set(words) & {"for", "of", "from", "at", "new"}
    )
    return (an_age or a_role_of) and (f"the {phrase}" in masked or f"The {phrase}" in masked)


def _find_attribution(masked: str) -> str:
    """The speaker a sentence names, as written ("he", "the CML", "Mr Dyer"), or "". The first one wins, except
    that "according to" gives way to someone who says it ("According to an advance text, he told …")."""
    found: list[tuple[int, str]] = []
    for match in _LOWER_WORD.finditer(masked):
        verb = match.group()
        if verb in _SAYING_WORDS or verb in _GUARDS and _GUARDS[verb].match(masked, match.end()):
            who = _speaker_of_verb(masked, match.start(), match.end())
            if who:
                found.append((match.start(), who))
                break
    for match in _BELIEF.finditer(masked) if " that" in masked or " of " in masked else ():
        who = _noun_phrase_before(masked[: match.start()])
        if who:
            found.append((match.start(), who))
            break
    participle = _PARTICIPLE.search(masked)
    if participle:
        who = _leading_noun_phrase(masked)
        if who:
            found.append((participle.start(), who))
    if found:
        return min(found)[1]
    for match in _ACCORDING_TO.finditer(masked) if "ccording to" in masked else ():
        who = _noun_phrase_after(masked[match.end() :], any_noun=True)[0]
        if who:
            return who
    return ""


def _speaker_of_verb(masked: str, start: int, end: int) -> str:
    before = masked[:start].rstrip()
    # Inverted after the reported words: "…, said Mark Mulligan, a music analyst", "Q says Stephen Dyer." The
    # name must end the clause: in "…, said Charles was one of his heroes" Charles is not the speaker.
    # "…, told the BBC" names whom it was said to.
    if re.search(r"(?:Q|,)$", before) and masked[start:end] not in _ADDRESSED:
        who, rest = _noun_phrase_after(masked[end:])
        if (
            who
            and who.lower() not in vocab.PRONOUNS
            and re.match(
                r"\s*(?:[,.;:!?]|$|(?:in|on|at|to|from|during|after|before|last|earlier|this|as|when|while)\b)",
                rest,
            )
        ):
            return who
        if before.endswith("Q"):
            return ""
    while True:
        stripped = _AUXILIARIES.sub("", before).rstrip()
        if stripped == before:
            break
        if re.search(r"\s(?:not|never)$", before):
            return ""  # "have not said how …": nothing was said
        before = stripped
    if not before or _NOT_ATTRIBUTION.search(before):
        return ""
    # "the producer Quincy Jones, who described him as …"
    if before.endswith(", who"):
        return _noun_phrase_before(before[: -len(", who")])
    # "A statement by Symbian played down … and said …": the sentence's subject said it.
    if re.search(r"\s(?:and|but)$", before):
        return _leading_noun_phrase(masked)
    who = _noun_phrase_before(before)
    # "Rhodri Glyn Thomas, Plaid Cymru health spokesman said": the name before the role.
    named = re.match(r"(?:Q\s*)?([A-Z][\w'’\-]*(?:\s[A-Z][\w'’\-]*){1,3}),\s", before)
    if (
        who
        and who.split()[-1][0].islower()
        and named
        and before.endswith(", " + who.removeprefix("the "))
    ):
        return named.group(1)
    return who


def _noun_phrase_before(before: str) -> str:
    """The noun phrase that ends ``before``: a verb's subject, skipping appositions between commas or dashes."""
    before = re.sub(r"\s*\([^()]*\)$", "", before.rstrip())
    # "Paul Myers, chief executive of Wippit - a music service - believes": the dashes close an apposition.
    undashed = re.sub(r"\s[-–—]\s(?:(?!\s[-–—]\s).)*\s[-–—]$", "", before)
    if undashed != before:
        before = undashed + ("," if "," in undashed else "")
    if before.endswith(","):
        # "Robert Jackson, 58, MP for Wantage, said": the subject is the first part of the clause that is not
        # an opening phrase ("In a statement,") or the reported words ("Q,").
        parts = [re.sub(r"^Q\s*", "", part.strip()) for part in before[:-1].split(",")]
        for position, part in enumerate(parts):
            if not part or part.split()[0] in vocab.OPENERS and position + 1 < len(parts):
                continue
            who = _noun_phrase_before(part)
            following = parts[position + 1] if position + 1 < len(parts) else ""
            if who and who.split()[-1][0].islower() and _is_name(following):
                return following  # "Scottish Conservative leader, David McLetchie, said"
            return who
        return ""
    words = before.split()
    if not words:
        return ""
    head = words[-1]
    if head.lower() in vocab.PRONOUNS:
        return head
    if head.endswith(("'s", "’s")) or not _WORD.fullmatch(head):
        return ""
    if head[0].isupper():
        taken = [head]
        for word in reversed(words[:-1]):
            if word.endswith(("'s", "’s")):
                break  # "ONGC's Mr Raha", "The SNP's Nicola Sturgeon"
            if (
                word[0].isupper()
                and _WORD.fullmatch(word)
                and word not in vocab.NOT_NAMES
                and len(taken) < 6
            ):
                taken.insert(0, word)
            elif (word in vocab.CONNECTORS or word == "the" and taken[0][0].isupper()) and len(
                taken
            ) < 6:
                taken.insert(0, word)  # "Office for National Statistics", "Friends of the Earth"
            else:
                break
        while taken and (
            taken[0] in vocab.CONNECTORS or taken[0] in vocab.NOT_NAMES or taken[0] == "the"
        ):
            taken = taken[1:]
        taken[-1:] = [taken[-1].rstrip("'’")] if taken else []
        if not taken:
            return ""
        # "companies contacted by the BBC News website insist": the companies insist.
        agent = _passive_agent(words, len(taken))
        if agent is not None:
            return agent
        # "A spokesman for Michael Howard said", "Matthew Herren from EduVision told", "a spokeswoman for the
        # centre in Cardiff said": the one before the preposition speaks.
        rest = words[: len(words) - len(taken)]
        if rest and rest[-1].lower() == "the":
            rest = rest[:-1]  # "a spokesman for the International Atomic Energy Agency"
        if len(rest) >= 2 and rest[-1] in ("for", "to", "of", "from", "at", "with", "in"):
            speaker = _noun_phrase_before(" ".join(rest[:-1]))
            if speaker and speaker.split()[-1].lower() in vocab.NOUNS | {"man", "woman"}:
                return (
                    f"{speaker} {rest[-1]} {' '.join(taken)}"
                    if rest[-1] in ("for", "to", "of")
                    else speaker
                )
            if speaker and _is_name(speaker) and rest[-1] != "of":
                return speaker
        return " ".join(taken)
    lower = head.lower()
    if lower in vocab.NOT_HEADS or not re.fullmatch(r"[a-z][a-z'\-]*|\d+-year-old", lower):
        return ""
    age = re.fullmatch(r"\d+-year-old", lower) and len(words) > 1 and words[-2].lower() == "the"
    if lower not in vocab.NOUNS and not age:
        return ""
    taken = [head]
    article = ""
    size = 1  # words of the phrase, with its article
    for word in reversed(words[:-1]):
        if word.lower() in vocab.DETERMINERS:
            article = "the " if word.lower() == "the" else ""
            size += 1
            break
        if (
            len(taken) >= 5
            or word in vocab.NOT_NAMES
            or word in ("and", "but", "that", "which", "who", "of")
        ):
            break
        if not re.fullmatch(r"[a-z][\w\-]*|[A-Z][\w'’\-&.]*|\d[\d,.]*", word):
            break
        taken.insert(0, word)
        size += 1
    agent = _passive_agent(words, size)
    if agent is not None:
        return agent
    # "the survey of 5,196 firms found": the survey found it.
    if not article and len(words) > size + 1 and words[-size - 1] == "of":
        head = _noun_phrase_before(" ".join(words[: -size - 1]))
        if head and head.split()[-1].lower() in vocab.NOUNS:
            return f"{head} of {' '.join(taken)}"
    return (article if not taken[0][0].isupper() else "") + " ".join(taken)


def _passive_agent(words: list[str], size: int) -> str | None:
    """When the last ``size`` words follow "<participle> by", the subject before the participle, else None."""
    rest = words[: len(words) - size]
    if len(rest) >= 3 and rest[-1] == "by" and rest[-2].endswith("ed"):
        return _noun_phrase_before(" ".join(rest[:-2]))
    return None


_STOP_AFTER = frozenset(
    """
    at in on from which who that released published by also told said says when after before there with to is
    was were are be been have has had will would could can may might showed show shows as
    """.split()
)


def _noun_phrase_after(after: str, any_noun: bool = False) -> tuple[str, str]:
    """The noun phrase that starts ``after`` ("the regional audit office", "chief executive Sam Yagan") and the
    text after it. A phrase in lower case must end in a word that names someone who speaks, unless any_noun
    ("according to reports")."""
    taken: list[str] = []
    rest = after
    for match in re.finditer(r"\S+", after):
        word = match.group()
        clean = word.rstrip(",.;:!?)")
        if (
            not clean
            or clean.lower() in _STOP_AFTER
            or len(taken) >= 8
            or (
                # "the official news agency most of …": a lower-case word after the head ends the phrase
                taken
                and taken[-1].lower() in vocab.NOUNS
                and clean[0].islower()
                and clean not in vocab.CONNECTORS
                and clean not in vocab.NOUNS
                and clean != "the"
            )
            # "blog analysis firm Technorati the number of …": an article after a name ends the phrase
            or taken
            and taken[-1][0].isupper()
            and clean in ("the", "a", "an")
        ):
            rest = after[match.start() :]
            break
        taken.append(clean)
        rest = after[match.start() + len(clean) :]
        if clean != word:
            break
    else:
        rest = ""
    while taken and taken[0].lower() in ("the", "a", "an", "its", "his", "her", "their", "some"):
        taken = taken[1:]
    while taken and taken[-1] in vocab.CONNECTORS:
        taken = taken[:-1]
    if (
        not taken
        or taken[0][0].islower()
        and taken[0].lower() not in vocab.PRONOUNS
        and not any_noun
        and not {w.lower() for w in taken} & vocab.NOUNS
    ):
        return "", rest
    # "chief executive Sam Yagan", "Mercedes chief executive Eckhard Cordes": the name, without the role.
    if taken[-1][0].isupper() and any(w[0].islower() and w not in vocab.CONNECTORS for w in taken):
        name = list(
            itertools.takewhile(lambda w: w[0].isupper() or w in vocab.CONNECTORS, reversed(taken))
        )
        return " ".join(reversed(name)).removeprefix("of ").removeprefix("for "), rest
    return " ".join(taken), rest


def _leading_noun_phrase(masked: str) -> str:
    """The noun phrase a sentence opens with, after an opening phrase: "Some analysts put …", "However, he …",
    "The Scottish National Party's parliamentary leader argued …"."""
    words = [word.rstrip(",;:") for word in _without_opening(masked).split()[:8]]
    if words and words[0].lower() in vocab.PRONOUNS:
        return words[0]
    for size, last in enumerate(words, start=1):
        if not (last[:1].isupper() or last.lower() in vocab.NOUNS) or last.endswith(("'s", "’s")):
            continue
        following = words[size] if size < len(words) else ""
        if (
            following[:1].isupper()
            or following.lower() in vocab.NOUNS
            or following in vocab.CONNECTORS
        ):
            continue  # the phrase goes on: "The Scottish National …", "An executive spokesman"
        return _noun_phrase_before(" ".join(words[:size]))
    return ""


def _sentence_subject(masked: str) -> str:
    """The person or organisation a sentence opens with, after an opening phrase and any role ("Roddick broke a
    racket", "Former foreign secretary Robin Cook …", "Computer specialist at the IAEA, Peter Smith, would …"),
    or ""."""
    text = _without_opening(masked)
    parts = text.split(", ")
    if len(parts) > 2 and _is_name(parts[1]) and not _is_name(parts[0]):
        return parts[1]  # a role, then the name between commas
    name: list[str] = []
    lower_before = 0
    the = False
    for word in text.split()[:8]:
        clean = word.rstrip(",.;:")
        if not clean:
            break
        if clean[0].isupper() and clean not in vocab.NOT_NAMES:
            if clean.endswith(("'s", "’s")):
                # "Mr Brown's trip …": not the subject, but the person the next "he" most likely means.
                name.append(clean[:-2])
                break
            name.append(clean)
            if clean != word:
                break
        elif name and clean.lower() in vocab.PERSON_NOUNS:
            name = []  # "Finance minister Jorge Alves": the role comes between
        elif name:
            break
        elif clean in vocab.TITLES:
            continue
        elif clean == "The":
            the = True
        elif (
            # "Former foreign secretary Robin Cook": a few words of role before the name, not "The stunts
            # involving Margaret Dixon …"
            re.fullmatch(r"[a-z\-]+", clean)
            and lower_before < 3
            and clean not in _NOT_IN_ROLES
            and not clean.endswith(("ing", "ed"))
        ):
            lower_before += 1
        else:
            return ""
    while name and name[0] in vocab.TITLES:
        name = name[1:]
    if the and not any(w.isupper() or w in vocab.ORGANISATION_WORDS for w in name):
        return ""  # "The BPI is …", but "The Peter Hain attack": a person's name takes no article
    return " ".join(name)


_NOT_IN_ROLES = frozenset(
    "with of in on at for by to from and or but as than that which who".split()
)


def _without_opening(masked: str) -> str:
    text = masked.strip()
    first = text.split(maxsplit=1)[0].rstrip(",") if text else ""
    if first in vocab.OPENERS:
        opening = re.match(r"\S+(?:\s[^\s,]+){0,8},\s+", text)
        if opening:
            return text[opening.end() :]
        # "However Mr Mulligan was …", "Despite this Finnish anti-virus lab F-Secure said …"
        return re.sub(r"^\S+\s+(?:this\s+)?", "", text)
    return text


def _is_name(part: str) -> bool:
    words = part.split()
    return (
        1 <= len(words) <= 4
        and all(w[0].isupper() for w in words)
        and words[0] not in vocab.NOT_NAMES
    )


def _mask_quotes(sentence: str, in_quote: bool) -> tuple[str, bool, int]:
    """The sentence with its quoted words replaced by "Q", whether it ends inside a quote, and how many words
    were quoted.

    Straight double quotes open at the start or after a space and close after a word. A quote left open goes on
    into the next sentence, as one running over several sentences does; a mark opening such a sentence
    (the news habit of repeating the opening mark) keeps it open."""
    if not in_quote and not _QUOTE_MARK.search(sentence):
        return sentence, False, 0
    out: list[str] = []
    quoted_words = 0
    start = 0
    opener = '"'
    for match in _QUOTE_MARK.finditer(sentence):
        position, char = match.start(), match.group()
        before = sentence[position - 1] if position else " "
        after = sentence[position + 1 : position + 2]
        if in_quote and position == 0 and char in "\"“«'" and not after.isspace():
            start = 1
        elif in_quote:
            closes = char in '"”»' or char in "’'" and opener in "‘'" and not after.isalpha()
            closes = closes or position == 0 and char == '"'  # '" The only parts …': a closing mark
            if closes and (char != "'" or before in ".,!?"):
                quoted_words += len(sentence[start:position].split())
                out.append(" Q ")
                in_quote, start = False, position + 1
        elif char in "“«‘" or char in '"' and before in " ([—–-" or char == "'" and position == 0:
            out.append(sentence[start:position])
            in_quote, start, opener = True, position + 1, char
        elif char in '"”»':
            # A closing mark with no opener: the quote began in an earlier sentence.
            quoted_words += len(sentence[start:position].split())
            out = [" Q "]
            start = position + 1
    if in_quote:
        quoted_words += len(sentence[start:].split())
        out.append(" Q ")
    else:
        out.append(sentence[start:])
    masked = _SPACE_BEFORE_PUNCTUATION.sub(r"\1", _SPACES.sub(" ", "".join(out))).strip()
    return masked, in_quote, quoted_words


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
