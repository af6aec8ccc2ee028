import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import linear_kernel

from annotations.extraction.matching import ClaimMatcher, find_matches, normalise_for_matching

CHECKED_SMALL = [
    (1, "Unemployment fell to 3.5 percent last year, the lowest in 50 years."),
    (2, "The wall will be paid for by Mexico."),
    (3, "Crime rose by 10% in Chicago."),
]


def test_it_finds_a_rephrased_claim() -> None:
    matches = find_matches(
        "Last year unemployment dropped to 3.5 percent, its lowest level in fifty years",
        CHECKED_SMALL,
    )
    assert [candidate_id for candidate_id, _ in matches] == [1]


def test_it_finds_reordered_words() -> None:
    matches = find_matches("Mexico is going to pay for the wall", CHECKED_SMALL)
    assert matches[0][0] == 2


def test_it_ignores_unrelated_claims_and_sorts_best_first() -> None:
    assert find_matches("The moon is made of cheese.", CHECKED_SMALL) == []
    matches = find_matches("Crime rose by 10% in Chicago", CHECKED_SMALL, threshold=0.0)
    scores = [score for _, score in matches]
    assert matches[0][0] == 3 and scores == sorted(scores, reverse=True) and scores[0] > 0.8


def test_it_handles_thousands_of_candidates() -> None:
    candidates = [(i, f"Claim {i} about taxes and jobs in state {i % 50}") for i in range(5000)]
    matches = find_matches("Claim 42 about taxes and jobs in state 42", candidates, threshold=0.9)
    assert matches[0][0] == 42


def test_it_returns_nothing_for_empty_input() -> None:
    assert find_matches("", CHECKED_SMALL) == []
    assert find_matches("anything", []) == []


# A hand-made paraphrase set: fifteen checked claims, a rewording of each, and unrelated sentences that
# share words or figures with them.
CHECKED = [
    (1, "Unemployment fell to 3.5 percent last year, the lowest in 50 years."),
    (2, "Mexico will pay for the wall."),
    (3, "Crime rose by 10% in Chicago in 2016."),
    (4, "The UK sends £350 million a week to the EU."),
    (5, "Vaccines cause autism in children."),
    (6, "Half of all Americans have no savings at all."),
    (7, "The minimum wage has not been raised in ten years."),
    (8, "Immigrants commit more crimes than native-born citizens."),
    (9, "China holds more than a trillion dollars of US debt."),
    (10, "The city council cut the police budget by 20 percent."),
    (11, "Global temperatures have not risen since 1998."),
    (12, "Our country has the highest corporate tax rate in the world."),
    (13, "Twelve million people lost their health insurance last year."),
    (14, "Wind turbines kill millions of birds every year."),
    (15, "The president has visited Russia three times since taking office."),
]
PARAPHRASES = [
    (1, "Last year unemployment dropped to 3.5 per cent, its lowest level in fifty years"),
    (2, "The wall is going to be paid for by Mexico."),
    (3, "In 2016 Chicago saw crime go up 10 percent."),
    (4, "Every week we send the European Union 350 million pounds."),
    (5, "Children get autism from vaccines."),
    (6, "50% of Americans have zero savings."),
    (7, "It has been 10 years since the minimum wage was last raised."),
    (8, "Native-born citizens commit fewer crimes than immigrants do."),
    (9, "US debt held by China exceeds one trillion dollars."),
    (10, "Police funding was cut 20% by the council."),
    (11, "Since 1998 there has been no rise in global temperatures."),
    (12, "No country in the world has a higher corporate tax rate than ours."),
    (13, "Last year 12 million people lost health insurance."),
    (14, "Every year millions of birds are killed by wind turbines."),
    (15, "Since he took office the president went to Russia 3 times."),
]
UNRELATED = [
    "The moon is made of cheese.",
    "Thank you all for coming tonight.",
    "Our school budget grew by 5 percent this year.",
    "The governor signed the bill on Tuesday.",
    "Inflation in Japan stayed under two percent.",
    "He has never met the prime minister.",
    "The stadium holds 60,000 people.",
    "Exports to Canada doubled in a decade.",
]


def char_ngrams_only(texts: list[str]) -> np.ndarray:
    """The previous matcher (character n-grams of the raw text), kept here as the baseline."""
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
    checked = vectorizer.fit_transform([t for _, t in CHECKED])
    return linear_kernel(vectorizer.transform(texts), checked)


def separation(similarities) -> tuple[float, float, float]:
    """(top-1 accuracy, lowest paraphrase score, highest unrelated score) on the paraphrase set."""
    scores = similarities([t for _, t in PARAPHRASES])
    unrelated = similarities(UNRELATED)
    ids = [i for i, _ in CHECKED]
    top1 = np.mean(
        [ids[row.argmax()] == i for (i, _), row in zip(PARAPHRASES, scores, strict=True)]
    )
    lowest = min(row[ids.index(i)] for (i, _), row in zip(PARAPHRASES, scores, strict=True))
    return float(top1), float(lowest), float(unrelated.max())


def test_it_separates_paraphrases_from_unrelated_claims_better_than_char_ngrams() -> None:
    top1, lowest, highest_unrelated = separation(ClaimMatcher(CHECKED).similarities)
    old_top1, old_lowest, old_highest_unrelated = separation(char_ngrams_only)
    assert top1 == 1.0
    # Every paraphrase clears the default project threshold (0.6); nothing unrelated reaches 0.4.
    assert lowest >= 0.6 and highest_unrelated < 0.4
    assert lowest - highest_unrelated > 1.5 * (old_lowest - old_highest_unrelated)


def test_normalisation_makes_number_words_and_currencies_agree() -> None:
    assert normalise_for_matching("Fifty per cent of £350 million") == "50% of £ 350 million"
    assert normalise_for_matching("half of 350 million pounds") == "50% of 350 million £"
    assert (
        normalise_for_matching("The U.S. and the EU") == "the united states and the european union"
    )
