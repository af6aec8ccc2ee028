from pathlib import Path

from annotations.extraction.sentences import split_sentences

# The shared samples sit next to the repository, as ../shared/samples.
ALASKA = Path(__file__).resolve().parents[2] / "shared" / "samples" / "alaska-summit.txt"


def sentences_of(text: str) -> list[str]:
    return [s.text for s in split_sentences(text)]


def test_it_keeps_abbreviations_inside_sentences() -> None:
    text = "Mr. Smith met Dr. Jones in the U.S. on Jan. 5 at 3 p.m. for talks. They agreed, e.g. on taxes."
    assert sentences_of(text) == [
        "Mr. Smith met Dr. Jones in the U.S. on Jan. 5 at 3 p.m. for talks.",
        "They agreed, e.g. on taxes.",
    ]


def test_it_keeps_initials_and_decimals() -> None:
    text = "George W. Bush said growth was 3.5 percent. It was not."
    assert sentences_of(text) == ["George W. Bush said growth was 3.5 percent.", "It was not."]


def test_it_keeps_closing_quotes_with_their_sentence() -> None:
    text = '“We will win.” He smiled. «Next time in Moscow.» Then he left. "Really?" she asked.'
    assert sentences_of(text) == [
        "“We will win.”",
        "He smiled.",
        "«Next time in Moscow.»",
        "Then he left.",
        '"Really?" she asked.',
    ]


def test_it_does_not_split_a_quote_before_its_attribution() -> None:
    text = "“Is it over?” asked the reporter. “Not yet,” he said."
    assert sentences_of(text) == ["“Is it over?” asked the reporter.", "“Not yet,” he said."]


def test_it_ends_sentences_at_paragraph_breaks_and_headings() -> None:
    text = "Big Headline Here\nBy Jane Doe\n\nFirst paragraph without a stop\n\nSecond one."
    assert sentences_of(text) == [
        "Big Headline Here",
        "By Jane Doe",
        "First paragraph without a stop",
        "Second one.",
    ]


def test_it_keeps_list_items_apart() -> None:
    text = "Our plan:\n1. Cut taxes by 10%.\n2. Build 500 homes\n- Hire nurses"
    assert sentences_of(text) == [
        "Our plan:",
        "1. Cut taxes by 10%.",
        "2. Build 500 homes",
        "- Hire nurses",
    ]


def test_it_joins_hard_wrapped_lines() -> None:
    text = "The deficit grew by\nfour percent last year. Nobody\nnoticed."
    assert sentences_of(text) == [
        "The deficit grew by\nfour percent last year.",
        "Nobody\nnoticed.",
    ]


def test_it_leaves_transcript_speaker_labels_out() -> None:
    text = "LEHRER: Good evening. Welcome.\nOBAMA: Thank you, Jim."
    assert sentences_of(text) == ["Good evening.", "Welcome.", "Thank you, Jim."]


def test_offsets_slice_unicode_text_exactly() -> None:
    text = "  Ça coûte 5 €. 東京 is big! Émile said “no.”\r\n\r\nNext — para… done.  "
    sentences = list(split_sentences(text))
    assert [s.text for s in sentences] == [
        "Ça coûte 5 €.",
        "東京 is big!",
        "Émile said “no.”",
        "Next — para… done.",
    ]
    for s in sentences:
        assert text[s.start : s.end] == s.text


def test_every_alaska_sentence_slices_the_text_exactly() -> None:
    text = ALASKA.read_text(encoding="utf-8")
    sentences = list(split_sentences(text))
    assert len(sentences) > 35
    for s in sentences:
        assert text[s.start : s.end] == s.text
        assert s.text == s.text.strip()
    assert any(s.text.endswith("«Next time in Moscow.»") for s in sentences)


def test_it_is_a_generator_over_long_transcripts() -> None:
    text = "SPEAKER: This is one sentence. And another one here.\n" * 50_000
    count = sum(1 for _ in split_sentences(text))
    assert count == 100_000
