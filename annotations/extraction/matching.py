""" "Checked before?": find earlier claims that say the same thing in other words.

The similarity is the mean of two cosines over TF-IDF vectors of a normalised text: character n-grams (3–5,
within words), which tolerate inflection, small rewordings and typos, and word unigrams and bigrams, which
reward shared content words even when the sentence is reordered. Normalisation is stemming-free: lower case,
Unicode compatibility forms, number words and "per cent" mapped to digits and "%", so "fifty percent" and "50%"
agree. Numbers are kept, because a different figure is a different claim. The idf weights come from the earlier
claims themselves, so words that are common in an organisation's own claims count for little.

``ClaimMatcher`` vectorises the earlier claims once; matching hundreds of new claims against thousands of earlier
ones is then one sparse matrix product.
"""

import re
import unicodedata
from collections.abc import Hashable, Sequence

import numpy as np

_NUMBER_WORDS = {
    word: str(value)
    for value, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
        "sixteen seventeen eighteen nineteen twenty".split()
    )
} | {
    "thirty": "30",
    "forty": "40",
    "fifty": "50",
    "sixty": "60",
    "seventy": "70",
    "eighty": "80",
    "ninety": "90",
    "hundred": "100",
    "thousand": "000",
    "dozen": "12",
    "half": "50%",
}
_NUMBER_WORD = re.compile(r"\b(" + "|".join(_NUMBER_WORDS) + r")\b")
_PERCENT = re.compile(r"\s*\b(?:per\s?cent|percent|pct)\b")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}\b)")
_CURRENCY_WORDS = {
    "dollars": "$",
    "dollar": "$",
    "pounds": "£",
    "pound": "£",
    "euros": "€",
    "euro": "€",
}
_CURRENCY_WORD = re.compile(r"\b(" + "|".join(_CURRENCY_WORDS) + r")\b")
_CURRENCY_SIGN = re.compile(r"([$€£])(?=\d)")
# Abbreviations written both ways in claims; matched before lower-casing, so "US" is not "us".
_ABBREVIATIONS = {
    "US": "united states",
    "U.S.": "united states",
    "USA": "united states",
    "UK": "united kingdom",
    "U.K.": "united kingdom",
    "EU": "european union",
    "UN": "united nations",
    "NHS": "national health service",
}
_ABBREVIATION = re.compile(r"(?<![\w.])(" + "|".join(map(re.escape, _ABBREVIATIONS)) + r")(?![\w])")
_PUNCTUATION = re.compile(r"[^\w%$€£.\s]|(?<!\d)\.|\.(?!\d)")
_SPACE = re.compile(r"\s+")


def normalise_for_matching(text: str) -> str:
    """The form two wordings of one claim are compared in: lower case, digits for number words, "%", "$"."""
    text = unicodedata.normalize("NFKC", text)
    text = _ABBREVIATION.sub(lambda m: _ABBREVIATIONS[m.group(1)], text).lower()
    text = _CURRENCY_WORD.sub(lambda m: _CURRENCY_WORDS[m.group(1)], text)
    text = _CURRENCY_SIGN.sub(r"\1 ", text)
    text = _NUMBER_WORD.sub(lambda m: _NUMBER_WORDS[m.group(1)], text)
    text = _PERCENT.sub("%", text)
    text = _THOUSANDS.sub("", text)
    text = _PUNCTUATION.sub(" ", text)
    return _SPACE.sub(" ", text).strip()


class ClaimMatcher:
    """Earlier claims, vectorised once, to match many new claims against."""

    def __init__(self, earlier: Sequence[tuple[Hashable, str]]) -> None:
        self.ids = [claim_id for claim_id, _ in earlier]
        texts = [normalise_for_matching(text) for _, text in earlier]
        # Imported here: scikit-learn is 90 MB a process, and only processes that match need it.
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.vectorizers = [
            TfidfVectorizer(
                analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, dtype=np.float32
            ),
            TfidfVectorizer(
                token_pattern=r"[\w%$€£.]+", ngram_range=(1, 2), sublinear_tf=True, dtype=np.float32
            ),
        ]
        # Kept transposed (features x claims, row-compressed) for the products in
        # similarities(): transposing there, at every call, took half of a match's time.
        self.transposed = []
        if not any(texts):
            self.ids = []
            return
        for vectorizer in self.vectorizers:
            try:
                self.transposed.append(vectorizer.fit_transform(texts).T.tocsr())
            except ValueError:  # no token at all of this kind, e.g. only one-letter words
                self.transposed.append(None)

    def similarities(self, texts: Sequence[str]) -> np.ndarray:
        """A (len(texts), len(earlier)) array of similarities in [0, 1]."""
        result = np.zeros((len(texts), len(self.ids)), dtype=np.float32)
        if not self.ids or not texts:
            return result
        normalised = [normalise_for_matching(text) for text in texts]
        for vectorizer, transposed in zip(self.vectorizers, self.transposed, strict=True):
            if transposed is not None:
                # Rows are L2-normalised, so the dot product is the cosine.
                result += (vectorizer.transform(normalised) @ transposed).toarray()
        return result / len(self.vectorizers)

    def match(self, texts: Sequence[str], threshold: float) -> list[list[tuple[Hashable, float]]]:
        """For each text, the earlier claims at or above ``threshold``, best first, as (id, score)."""
        found: list[list[tuple[Hashable, float]]] = []
        # Chunks bound the dense similarity block for a very long document.
        for offset in range(0, len(texts), 256):
            block = self.similarities(texts[offset : offset + 256])
            for row in block:
                hits = np.flatnonzero(row >= threshold)
                hits = hits[np.argsort(-row[hits], kind="stable")]
                found.append([(self.ids[i], round(float(row[i]), 4)) for i in hits])
        return found


def find_matches(
    text: str, candidates: Sequence[tuple[Hashable, str]], threshold: float = 0.4
) -> list[tuple[Hashable, float]]:
    """Candidates whose similarity to ``text`` is at least ``threshold``, best first, as (id, score in [0, 1])."""
    if not candidates or not text.strip():
        return []
    return ClaimMatcher(candidates).match([text], threshold)[0]
