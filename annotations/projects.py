"""Creating and changing projects and their memberships."""

from __future__ import annotations

from django.db import transaction
from django.utils.text import slugify

from .audit import changed_only, record_event, snapshot
from .errors import InvalidInput
from .guidelines import record_guideline_version
from .models import Membership, Project, RatingScale, Role

DEFAULT_SCALE_KEY = "six-point"

# Fields a project admin may change after creation.
EDITABLE_FIELDS = [
    "name",
    "description",
    "guidelines",
    "rating_scale",
    "annotations_per_claim",
    "checkworthiness_threshold",
    "match_threshold",
    "scorer",
    "queue_order",
    "organisation_name",
    "organisation_url",
]


def default_scale() -> RatingScale:
    return RatingScale.objects.get(key=DEFAULT_SCALE_KEY)


def unique_slug(name: str) -> str:
    base = slugify(name)[:50] or "project"
    slug, n = base, 2
    while Project.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def create_project(user, *, name: str, slug: str = "", **fields) -> Project:
    """Create a project; whoever creates it becomes its admin."""
    if not name.strip():
        raise InvalidInput("A project needs a name.", field="name")
    slug = slug or unique_slug(name)
    if Project.objects.filter(slug=slug).exists():
        raise InvalidInput(f"The slug {slug!r} is already taken.", field="slug")
    fields.setdefault("rating_scale", default_scale())
    project = Project.objects.create(name=name.strip(), slug=slug, **fields)
    Membership.objects.create(project=project, user=user, role=Role.ADMIN)
    record_event(user, project, "create", after=snapshot(project))
    record_guideline_version(project, user)
    return project


@transaction.atomic
def update_project(project: Project, user, changes: dict) -> Project:
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput(f"These fields cannot be changed: {', '.join(sorted(unknown))}.")
    # Lock the row: two admins editing the guidelines at once must get two version numbers.
    project = Project.objects.select_for_update().select_related("rating_scale").get(pk=project.pk)
    before = snapshot(project)
    for name, value in changes.items():
        setattr(project, name, value)
    project.save()
    before, after = changed_only(before, snapshot(project))
    if after:
        record_event(user, project, "update", before=before, after=after)
    if "guidelines" in after:
        # Annotations made from now on record this version.
        record_guideline_version(project, user, previous_text=before["guidelines"])
    return project


@transaction.atomic
def add_member(project: Project, actor, user, role: str) -> Membership:
    if role not in Role.values:
        raise InvalidInput(f"Unknown role {role!r}; use one of {', '.join(Role.values)}.")
    membership, created = Membership.objects.update_or_create(
        project=project, user=user, defaults={"role": role}
    )
    record_event(
        actor,
        membership,
        "create" if created else "update",
        after={"user": user.username, "role": role},
        project=project,
    )
    return membership
