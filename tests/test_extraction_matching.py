from annotations.extraction.matching import find_matches

CHECKED = [
    (1, "Unemployment fell to 3.5 percent last year, the lowest in 50 years."),
    (2, "The wall will be paid for by Mexico."),
    (3, "Crime rose by 10% in Chicago."),
]


def test_it_finds_a_rephrased_claim() -> None:
    matches = find_matches(
        "Last year unemployment dropped to 3.5 percent, its lowest level in fifty years", CHECKED
    )
    assert [candidate_id for candidate_id, _ in matches] == [1]


def test_it_finds_reordered_words() -> None:
    matches = find_matches("Mexico is going to pay for the wall", CHECKED)
    assert matches[0][0] == 2


def test_it_ignores_unrelated_claims_and_sorts_best_first() -> None:
    assert find_matches("The moon is made of cheese.", CHECKED) == []
    matches = find_matches("Crime rose by 10% in Chicago", CHECKED, threshold=0.0)
    scores = [score for _, score in matches]
    assert matches[0][0] == 3 and scores == sorted(scores, reverse=True) and scores[0] > 0.8


def test_it_handles_thousands_of_candidates() -> None:
    candidates = [(i, f"Claim {i} about taxes and jobs in state {i % 50}") for i in range(5000)]
    matches = find_matches("Claim 42 about taxes and jobs in state 42", candidates, threshold=0.9)
    assert matches[0][0] == 42


def test_it_returns_nothing_for_empty_input() -> None:
    assert find_matches("", CHECKED) == []
    assert find_matches("anything", []) == []
