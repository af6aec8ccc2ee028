from annotations.extraction.claim_types import tag_claim_types


def test_it_tags_statistics_and_comparisons() -> None:
    assert tag_claim_types("Unemployment is 3.5 percent, lower than in 2010.")[:2] == (
        "statistic",
        "comparison",
    )


def test_it_tags_quotes_and_attribution() -> None:
    tags = tag_claim_types("“We have a strong chance of reaching an agreement,” Trump said.")
    assert "quote" in tags
    assert "attribution" in tags


def test_it_tags_predictions_and_causes() -> None:
    assert "prediction" in tag_claim_types("Prices will go up next year.")
    assert "causal" in tag_claim_types("Jobs left because of the trade deal.")


def test_it_tags_events_with_dates() -> None:
    assert "event" in tag_claim_types("Russia invaded Ukraine in February 2022.")


def test_it_says_other_when_nothing_applies() -> None:
    assert tag_claim_types("Good evening, everyone.") == ("other",)
