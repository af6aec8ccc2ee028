from pathlib import Path

from annotations.extraction.sentences import split_sentences
from annotations.extraction.speakers import attribute_speakers

# The shared samples sit next to the repository, as ../shared/samples.
ALASKA = Path(__file__).resolve().parents[2] / "shared" / "samples" / "alaska-summit.txt"


def speakers_by_sentence(text: str) -> dict[str, str]:
    sentences = list(split_sentences(text))
    return {
        s.text: speaker
        for s, speaker in zip(sentences, attribute_speakers(text, sentences), strict=True)
    }


def speaker_of(text: str, fragment: str) -> str:
    matches = [
        speaker for sentence, speaker in speakers_by_sentence(text).items() if fragment in sentence
    ]
    assert len(matches) == 1, matches
    return matches[0]


def test_it_gives_the_alaska_quote_with_he_added_to_trump() -> None:
    text = ALASKA.read_text(encoding="utf-8")
    assert speaker_of(text, "prevent thousands from dying each week") == "Trump"


def test_it_gives_next_time_in_moscow_to_putin() -> None:
    text = ALASKA.read_text(encoding="utf-8")
    assert speaker_of(text, "Next time in Moscow.") == "Putin"


def test_it_carries_a_quote_paragraph_to_its_attribution() -> None:
    text = ALASKA.read_text(encoding="utf-8")
    assert speaker_of(text, "The killings need to cease.") == "Zelensky"
    assert speaker_of(text, "disappointed if it doesn’t") == "Trump"


def test_it_leaves_the_author_s_own_sentences_without_speaker() -> None:
    text = ALASKA.read_text(encoding="utf-8")
    assert speaker_of(text, "Reporting by AFP") == ""


def test_it_reads_according_to_and_reported_speech() -> None:
    text = "According to the Kremlin, the talks lasted three hours.\n\nPutin commented that the mood was good."
    speakers = speakers_by_sentence(text)
    assert list(speakers.values()) == ["the Kremlin", "Putin"]


def test_it_reads_said_after_the_name() -> None:
    text = "“Taxes will fall,” said Angela Merkel."
    assert list(speakers_by_sentence(text).values()) == ["Angela Merkel"]


def test_it_gives_transcript_lines_their_label() -> None:
    text = "LEHRER: Good evening. Welcome.\nAnd a wrapped line.\n\nMore from him.\nOBAMA: Thank you, Jim."
    assert list(speakers_by_sentence(text).values()) == [
        "LEHRER",
        "LEHRER",
        "LEHRER",
        "LEHRER",
        "OBAMA",
    ]


def test_a_pronoun_with_a_describing_clause_is_the_previous_paragraph_s_subject() -> None:
    text = ALASKA.read_text(encoding="utf-8")
    assert speaker_of(text, "he exhibited a willingness") == "Putin"


def test_he_said_and_he_added_take_the_most_recent_named_speaker() -> None:
    text = (
        "“Taxes will fall,” Merkel said. Olaf Scholz spoke later.\n\n"
        "“We will build 400,000 homes a year,” he added.\n\n"
        "“Nothing changed,” he said."
    )
    assert list(speakers_by_sentence(text).values()) == ["Merkel", "", "Olaf Scholz", "Olaf Scholz"]


def test_a_pronoun_two_paragraphs_away_from_any_name_stays_unknown() -> None:
    text = (
        "“Taxes will fall,” Merkel said.\n\nThe weather was fine.\n\nMarkets were calm.\n\n"
        "“Nothing changed,” she said."
    )
    assert list(speakers_by_sentence(text).values())[-1] == ""
