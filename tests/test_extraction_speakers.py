from pathlib import Path

from annotations.extraction.sentences import split_sentences
from annotations.extraction.speakers import attribute_speakers, speaker_of_span

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
    assert speaker_of(text, "prevent thousands from dying each week") == "Donald Trump"


def test_it_gives_next_time_in_moscow_to_putin() -> None:
    text = ALASKA.read_text(encoding="utf-8")
    assert speaker_of(text, "Next time in Moscow.") == "Vladimir Putin"


def test_it_carries_a_quote_paragraph_to_its_attribution() -> None:
    text = ALASKA.read_text(encoding="utf-8")
    assert speaker_of(text, "The killings need to cease.") == "Volodymyr Zelensky"
    assert speaker_of(text, "disappointed if it doesn’t") == "Donald Trump"


def test_he_warned_without_quotes_is_the_last_person_named_not_the_one_in_his_sentence() -> None:
    text = ALASKA.read_text(encoding="utf-8")
    assert speaker_of(text, "he warned of secondary sanctions") == "Donald Trump"


def test_it_leaves_the_author_s_own_sentences_without_speaker() -> None:
    text = ALASKA.read_text(encoding="utf-8")
    assert speaker_of(text, "Reporting by AFP") == ""


def test_it_reads_according_to_and_reported_speech() -> None:
    text = "According to the Kremlin, the talks lasted three hours.\n\nPutin commented that the mood was good."
    speakers = speakers_by_sentence(text)
    assert list(speakers.values()) == ["Kremlin", "Putin"]


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
    assert speaker_of(text, "he exhibited a willingness") == "Vladimir Putin"


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


def test_reported_speech_without_quotation_marks_gets_its_subject() -> None:
    text = (
        "The council voted 7 to 2 on Tuesday to build a flood wall. "
        "Mayor Ana Ribeiro said the wall would cost 14.5 million euros. "
        "An executive spokesman warned the work could take years. "
        "It was a sunny day."
    )
    assert list(speakers_by_sentence(text).values()) == [
        "",
        "Ana Ribeiro",
        "executive spokesman",
        "",
    ]


def test_according_to_names_the_source_however_it_is_described() -> None:
    text = (
        "According to the regional audit office, the wall will cost twice as much. "
        "The bill rose by 8% last year, according to official figures. "
        "Exports fell, according to technology analysts IDC."
    )
    assert list(speakers_by_sentence(text).values()) == [
        "regional audit office",
        "official figures",
        "IDC",
    ]


def test_a_pronoun_without_quotation_marks_is_the_last_named_person() -> None:
    text = (
        "Finance minister Jorge Alves spoke after the vote in Lisbon.\n\n"
        "He warned of secondary sanctions should the contract be cancelled."
    )
    assert list(speakers_by_sentence(text).values())[-1] == "Jorge Alves"


def test_she_skips_a_man_named_since_and_it_is_an_organisation() -> None:
    text = (
        "Ms Ribeiro said the wall was needed. Mr Costa, the engineer, disagreed with the plan. "
        "She said the cost would fall. "
        "The Audit Office said the figures were wrong. It said the council had ignored its advice."
    )
    assert list(speakers_by_sentence(text).values()) == [
        "Ribeiro",
        "",
        "Ribeiro",
        "Audit Office",
        "Audit Office",
    ]


def test_the_attribution_may_follow_the_reported_words() -> None:
    text = (
        "The wall will be finished by May, said a council spokeswoman. "
        "Costs have risen by a third, the firm has said. "
        "Nobody will lose their home, says Ana Ribeiro, the mayor."
    )
    assert list(speakers_by_sentence(text).values()) == [
        "council spokeswoman",
        "the firm",
        "Ana Ribeiro",
    ]


def test_a_person_described_between_commas_is_still_the_subject() -> None:
    text = (
        "Robert Jackson, 58, MP for Wantage in Oxfordshire, said he was disillusioned. "
        "Scottish Conservative leader, David McLetchie, said earlier it was a mistake."
    )
    assert list(speakers_by_sentence(text).values()) == ["Robert Jackson", "David McLetchie"]


def test_a_short_name_is_shown_as_the_full_name_the_text_gives() -> None:
    text = (
        "Chancellor Gordon Brown visited Kenya.\n\nMr Brown said education needs had to be tackled."
    )
    assert list(speakers_by_sentence(text).values())[-1] == "Gordon Brown"


def test_actions_passives_and_titles_are_not_attribution() -> None:
    text = (
        "Portsmouth claimed a draw at Anfield. "
        "Mr Brown is said to be furious. "
        "The think-tank published its figures. "
        "Sweet Charity tells the story of a dancer. "
        "Labour have not said how it would work. "
        "Jessica Stevenson will star in The World According to Bex."
    )
    assert set(speakers_by_sentence(text).values()) == {""}


def test_a_quote_over_several_sentences_has_one_speaker() -> None:
    text = (
        'Benitez said: "It was difficult for Jerzy. It was an unlucky moment.\n\n'
        '"He was expecting a cross, so I don\'t blame him." The match ended 1-1.'
    )
    assert list(speakers_by_sentence(text).values()) == [
        "Benitez",
        "Benitez",
        "Benitez",
        "",
    ]


def test_a_quote_without_attribution_takes_the_sentence_before() -> None:
    text = 'Mr Cohen said music would go mobile. "We want music to be a continuum." Sales rose.'
    assert list(speakers_by_sentence(text).values()) == ["Cohen", "Cohen", ""]


def test_words_inside_a_quote_get_the_quote_s_speaker() -> None:
    text = (
        "The council met.\n\n"
        '"The wall will cost 14.5 million euros. It will protect the harbour," the mayor said.\n\n'
        "It rained."
    )
    start = text.index("It will protect")
    assert speaker_of_span(text, start, start + len("It will protect the harbour")) == "the mayor"
    start = text.index("It rained")
    assert speaker_of_span(text, start, start + 9) == ""


def test_words_in_a_transcript_get_the_label_above_them() -> None:
    text = "LEHRER: Good evening.\nOBAMA: Thank you.\nI will cut taxes.\nROMNEY: No."
    start = text.index("cut taxes")
    assert speaker_of_span(text, start, start + 9) == "OBAMA"


def test_a_definite_description_means_the_person_just_named() -> None:
    text = (
        "The Harbour Party's Ana Ribeiro has asked who signed off the wall. "
        "The council met on Monday. "
        "The Harbour Party's parliamentary leader argued that the wall cost too much. "
        'She said: "Nobody has answered yet."\n\n'
        "Tom Shore scored twice on Saturday. "
        "The 31-year-old said the team had been lucky."
    )
    speakers = speakers_by_sentence(text)
    assert speaker_of(text, "parliamentary leader argued") == "Ana Ribeiro"
    assert speaker_of(text, "Nobody has answered") == "Ana Ribeiro"
    assert speaker_of(text, "had been lucky") == "Tom Shore"
    assert speakers["The council met on Monday."] == ""


def test_a_description_with_no_one_named_before_stays_a_description() -> None:
    text = "The bank's chief economist said rates would rise."
    assert list(speakers_by_sentence(text).values()) == ["chief economist"]
