"""Rating scales: the presets every installation has (created after each migrate, and after
the test runner empties the database, the way Django creates its content types), and a
project changing its scale, with every verdict already given kept or explicitly mapped."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.apps import apps as global_apps
from django.db import transaction
from django.db.models import Count

from .audit import record_event
from .errors import InvalidInput
from .models import (
    Annotation,
    Claim,
    Project,
    RatingLabel,
    RatingScale,
    RatingScaleVersion,
    Review,
)

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


# ---- Changing a project's scale ---------------------------------------------------------


class NeedsMapping(InvalidInput):
    """Verdicts in use that the new scale lacks; the change waits until each is mapped to
    one of its labels. `missing` holds each such verdict with its number of uses."""

    def __init__(self, missing: dict[str, int]):
        listed = ", ".join(f"{key} ({n} use{'s' if n != 1 else ''})" for key, n in missing.items())
        super().__init__(
            f"Verdicts already given are not on the new scale: {listed}. "
            "Map each to a label of the new scale (on the settings or rating scale page).",
            field="rating_scale",
        )
        self.missing = missing


def verdicts_in_use(project: Project) -> dict[str, int]:
    """Every verdict stored in the project (annotations, final verdicts, reviews) and how
    many times it is used."""
    counts: Counter[str] = Counter()
    stored = [
        (Annotation.objects.filter(claim__project=project), "verdict"),
        (Claim.objects.filter(project=project), "final_verdict"),
        (Review.objects.filter(claim__project=project), "verdict"),
    ]
    for rows, name in stored:
        for key, n in (
            rows.exclude(**{name: ""}).values_list(name).annotate(n=Count("id")).order_by()
        ):
            counts[key] += n
    return dict(sorted(counts.items()))


def check_mapping(project: Project, keys: list[str], mapping: dict[str, str]) -> dict[str, str]:
    """The mapping of every verdict in use that `keys` lacks to one of `keys`.

    Raises NeedsMapping naming the verdicts not (or wrongly) mapped. No labels at all is a
    free-text scale, which verdicts given on a scale cannot be moved to."""
    missing = {key: n for key, n in verdicts_in_use(project).items() if key not in keys}
    if missing and not keys:
        raise InvalidInput(
            "Claims of this project already have verdicts from its scale; it cannot switch to "
            "free text, which has no labels to map them to.",
            field="rating_scale",
        )
    unmapped = {key: n for key, n in missing.items() if mapping.get(key) not in keys}
    if unmapped:
        raise NeedsMapping(unmapped)
    return {key: mapping[key] for key in missing}


def remap_verdicts(project: Project, actor, mapping: dict[str, str]) -> None:
    """Rewrite verdicts old -> new everywhere in the project. Two verdicts mapped to one may
    end a disagreement, so the review queue's flag is recomputed for claims in review."""
    if not mapping:
        return
    moved = Counter()
    for old, new in mapping.items():
        moved["annotations"] += Annotation.objects.filter(
            claim__project=project, verdict=old
        ).update(verdict=new)
        moved["claims"] += project.claims.filter(final_verdict=old).update(final_verdict=new)
        moved["reviews"] += Review.objects.filter(claim__project=project, verdict=old).update(
            verdict=new
        )
    settled = (
        project.claims.awaiting_review()
        .with_disagreement()
        .filter(disagreement=True, annotated_disagreement=False)
        .values("pk")
    )
    Claim.objects.filter(pk__in=settled).update(disagreement=False)
    record_event(actor, project, "remap_verdicts", after={"mapping": mapping, **moved})


LABEL_FIELDS = [
    "key", "label", "description", "colour", "ordinal", "fever_label", "averitec_label",
    "claimreview_rating",
]  # fmt: skip


def label_state(label: RatingLabel) -> dict[str, Any]:
    return {name: getattr(label, name) for name in LABEL_FIELDS}


def check_labels(labels: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The labels, checked: at least one, keys unique, ordinal values distinct."""
    if not labels:
        raise InvalidInput(
            "A scale needs at least one label. For free-text verdicts, choose the Free text "
            "scale in the settings.",
            field="labels",
        )
    keys = [label["key"] for label in labels]
    repeated = sorted({key for key in keys if keys.count(key) > 1})
    if repeated:
        raise InvalidInput(
            f"Each key is used once; repeated: {', '.join(repeated)}.", field="labels"
        )
    ordinals = [label["ordinal"] for label in labels if label.get("ordinal") is not None]
    if len(set(ordinals)) != len(ordinals):
        raise InvalidInput("Two labels have the same ordinal value.", field="labels")
    return labels


def unique_scale_key(project: Project) -> str:
    base = f"{project.slug}"[:40]
    key, n = base, 2
    while RatingScale.objects.filter(key=key).exists():
        key, n = f"{base}-{n}", n + 1
    return key


def save_scale(
    project: Project,
    actor,
    *,
    name: str,
    labels: list[dict[str, Any]],
    mapping: dict[str, str] | None = None,
) -> RatingScale:
    """Give the project the scale with these labels, as a new version of its own scale.

    A project on a preset gets its own copy, so no other project's scale changes. Verdicts
    in use whose key disappears must be mapped to a new key (NeedsMapping otherwise); they
    are rewritten, and the version records the mapping."""
    labels = check_labels(labels)
    with transaction.atomic():
        # Two admins saving at once: the second sees the first's version.
        project = (
            Project.objects.select_for_update().select_related("rating_scale").get(pk=project.pk)
        )
        remap = check_mapping(project, [label["key"] for label in labels], mapping or {})
        scale = project.rating_scale
        before = {"name": scale.name, "labels": [label_state(lb) for lb in scale.labels.all()]}
        if not scale.custom:
            scale = RatingScale.objects.create(
                key=unique_scale_key(project), name=name, custom=True, version=0
            )
        scale.labels.exclude(key__in=[label["key"] for label in labels]).delete()
        for position, values in enumerate(labels):
            RatingLabel.objects.update_or_create(
                scale=scale, key=values["key"], defaults={**values, "position": position}
            )
        scale.name = name.strip() or scale.name
        scale.free_text = False
        scale.version += 1
        scale.save()
        after = {"name": scale.name, "labels": [label_state(lb) for lb in scale.labels.all()]}
        RatingScaleVersion.objects.create(
            scale=scale,
            number=scale.version,
            name=scale.name,
            labels=after["labels"],
            mapping=remap,
            created_by=actor if actor is not None and actor.is_authenticated else None,
        )
        if project.rating_scale_id != scale.pk:
            project.rating_scale = scale
            project.save(update_fields=["rating_scale"])
        remap_verdicts(project, actor, remap)
        after["version"] = scale.version
        record_event(actor, scale, "update", before=before, after=after, project=project)
    return scale
