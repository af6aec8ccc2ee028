""" "Checked before?": find earlier claims that say the same thing in other words.

Cosine similarity of character n-gram TF-IDF vectors: it tolerates reordering, inflection, small rewordings and
typos, and it keeps numbers (a different figure is a different claim). The idf weights come from the candidates
themselves, so common words in the organisation's own claims count for little.
"""

from collections.abc import Hashable, Sequence

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import linear_kernel


def find_matches(
    text: str, candidates: Sequence[tuple[Hashable, str]], threshold: float = 0.4
) -> list[tuple[Hashable, float]]:
    """Candidates whose similarity to ``text`` is at least ``threshold``, best first, as (id, score in [0, 1])."""
    if not candidates or not text.strip():
        return []
    vectorizer = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(3, 5), lowercase=True, sublinear_tf=True
    )
    try:
        matrix = vectorizer.fit_transform(
            [text, *(candidate_text for _, candidate_text in candidates)]
        )
    except ValueError:  # nothing but whitespace and punctuation anywhere
        return []
    # Rows are L2-normalised, so the dot product is the cosine.
    similarities = linear_kernel(matrix[0], matrix[1:]).ravel()
    matches = [
        (candidate_id, round(float(score), 4))
        for (candidate_id, _), score in zip(candidates, similarities, strict=True)
        if score >= threshold
    ]
    return sorted(matches, key=lambda match: -match[1])
