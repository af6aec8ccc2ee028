"""Rule-based claim types. Placeholder until the rules land."""


def tag_claim_types(sentence: str) -> tuple[str, ...]:
    """Return the claim types of a sentence, "other" when no rule fires."""
    return ("other",)
