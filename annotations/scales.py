"""The preset rating scales every installation has: created after each migrate (and after
the test runner empties the database), the way Django creates its content types."""

from __future__ import annotations

from django.apps import apps as global_apps

# key, label, description, colour, ordinal, FEVER label
PRESETS = {
    "six-point": (
        "Six-point (PolitiFact style)",
        [
            (
                "true",
                "True",
                "The statement is accurate and nothing significant is missing.",
                "#1a7f37",
                5,
                "SUPPORTS",
            ),
            (
                "mostly_true",
                "Mostly true",
                "Accurate but needs clarification or additional information.",
                "#4c9a2a",
                4,
                "SUPPORTS",
            ),
            (
                "half_true",
                "Half true",
                "Partially accurate but leaves out important details or takes things out of context.",
                "#b58900",
                3,
                "NOT ENOUGH INFO",
            ),
            (
                "mostly_false",
                "Mostly false",
                "Contains an element of truth but ignores critical facts.",
                "#d9730d",
                2,
                "REFUTES",
            ),
            ("false", "False", "The statement is not accurate.", "#c62828", 1, "REFUTES"),
            (
                "pants_on_fire",
                "Pants on fire",
                "Not accurate and makes a ridiculous claim.",
                "#7b1fa2",
                0,
                "REFUTES",
            ),
        ],
    ),
    "check": (
        "Check style (Verified / False / Inconclusive)",
        [
            (
                "verified",
                "Verified",
                "The claim is confirmed by reliable evidence.",
                "#1a7f37",
                2,
                "SUPPORTS",
            ),
            (
                "inconclusive",
                "Inconclusive",
                "The evidence does not settle the claim.",
                "#b58900",
                1,
                "NOT ENOUGH INFO",
            ),
            (
                "false",
                "False",
                "The claim is contradicted by reliable evidence.",
                "#c62828",
                0,
                "REFUTES",
            ),
        ],
    ),
    "free-text": ("Free text", []),
}


def create_preset_scales(apps=global_apps, using: str = "default", **kwargs) -> None:
    """Create the preset scales and labels that are missing; never changes existing ones.

    Runs as a post_migrate handler, with the models as the migrations left them."""
    try:
        RatingScale = apps.get_model("annotations", "RatingScale")
        RatingLabel = apps.get_model("annotations", "RatingLabel")
    except LookupError:
        return  # migrated back to before rating scales existed

    for key, (name, labels) in PRESETS.items():
        scale, _ = RatingScale.objects.using(using).get_or_create(
            key=key, defaults={"name": name, "free_text": not labels}
        )
        for position, (label_key, label, description, colour, ordinal, fever) in enumerate(labels):
            RatingLabel.objects.using(using).get_or_create(
                scale=scale,
                key=label_key,
                defaults={
                    "label": label,
                    "description": description,
                    "colour": colour,
                    "ordinal": ordinal,
                    "fever_label": fever,
                    "position": position,
                },
            )
