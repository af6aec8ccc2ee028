"""Creating and changing projects and their memberships."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.text import slugify

from .audit import changed_only, record_event, snapshot
from .errors import InvalidInput
from .exports.averitec import check_vocabulary
from .guidelines import record_guideline_version
from .models import QUEUE_STATUSES, Assignment, Membership, Project, RatingScale, Role
from .scales import check_mapping, remap_verdicts

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
    "location_iso_code",
    "averitec_vocabulary",
]


# The allowed range of each numeric setting, inclusive: the one definition that the
# project form and serializer take their limits from, and that create_project and
# update_project enforce whoever calls them.
SETTING_RANGES: dict[str, tuple[float, float]] = {
    "annotations_per_claim": (1, 10),
    "checkworthiness_threshold": (0, 1),
    "match_threshold": (0, 1),
}


def range_message(name: str) -> str:
    low, high = SETTING_RANGES[name]
    return f"must be between {low} and {high}."


def check_setting_ranges(fields: dict) -> None:
    """Each numeric setting given lies in its range (NaN and infinity do not)."""
    for name, (low, high) in SETTING_RANGES.items():
        value = fields.get(name)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InvalidInput("must be a number.", field=name)
        if not low <= value <= high:
            raise InvalidInput(range_message(name), field=name)
        if name == "annotations_per_claim" and value != int(value):
            raise InvalidInput("must be a whole number.", field=name)


def check_export_settings(fields: dict) -> None:
    """The AVeriTeC settings of a project: a country code and a vocabulary mapping."""
    if "averitec_vocabulary" in fields:
        check_vocabulary(fields["averitec_vocabulary"])
    code = fields.get("location_iso_code")
    if code and not (len(code) == 2 and code.isascii() and code.isupper()):
        raise InvalidInput(
            "must be a two-letter country code (ISO 3166-1), e.g. GB.", field="location_iso_code"
        )


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
    check_setting_ranges(fields)
    check_export_settings(fields)
    fields.setdefault("rating_scale", default_scale())
    project = Project.objects.create(name=name.strip(), slug=slug, **fields)
    membership = Membership.objects.create(project=project, user=user, role=Role.ADMIN)
    record_event(user, project, "create", after=snapshot(project))
    record_guideline_version(project, user)
    record_event(
        user,
        membership,
        "create",
        after={"user": user.username, "role": Role.ADMIN},
        project=project,
    )
    return project


@transaction.atomic
def update_project(
    project: Project, user, changes: dict, *, verdict_mapping: dict[str, str] | None = None
) -> Project:
    """Change the project's settings. A new rating scale must have every verdict already
    given, or `verdict_mapping` must map each missing one to a label of it."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput(f"These fields cannot be changed: {', '.join(sorted(unknown))}.")
    check_setting_ranges(changes)
    check_export_settings(changes)
    # Lock the row: two admins editing the guidelines at once must get two version numbers.
    project = Project.objects.select_for_update().select_related("rating_scale").get(pk=project.pk)
    remap = {}
    scale = changes.get("rating_scale")
    if scale is not None and scale.pk != project.rating_scale_id:
        remap = check_mapping(project, scale.allowed_keys(), verdict_mapping or {})
    if isinstance(changes.get("guidelines"), str):
        # Browsers send a textarea's lines ending in \r\n: the same text, not a new version.
        changes["guidelines"] = normalise_newlines(changes["guidelines"])
    before = snapshot(project)
    for name, value in changes.items():
        setattr(project, name, value)
    project.save()
    before, after = changed_only(before, snapshot(project))
    if after:
        record_event(user, project, "update", before=before, after=after)
    remap_verdicts(project, user, remap)
    if "guidelines" in after:
        # Annotations made from now on record this version.
        record_guideline_version(project, user, previous_text=before["guidelines"])
    if "annotations_per_claim" in after:
        # More places open claims to the queue again, fewer may close some.
        project.claims.filter(status__in=QUEUE_STATUSES).refresh_in_queue(project)
    return project


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


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


def check_role_name(role: str) -> str:
    if role not in Role.values:
        raise InvalidInput(
            f"Unknown role {role!r}; use one of {', '.join(Role.values)}.", field="role"
        )
    return role


def invite_member(project: Project, actor, username: str, role: str) -> Membership:
    """Add an existing user to the project by username."""
    check_role_name(role)
    user = get_user_model().objects.filter(username=(username or "").strip()).first()
    if user is None:
        raise InvalidInput(f"There is no user called {username!r}.", field="username")
    if project.memberships.filter(user=user).exists():
        raise InvalidInput(
            f"{user.username} is already a member; change their role instead.", field="username"
        )
    return add_member(project, actor, user, role)


def lock_admins(project: Project) -> list[Membership]:
    """Lock the project's admin memberships: two admins demoting or removing each other at
    once must not both succeed and leave the project without an admin."""
    return list(project.memberships.select_for_update().filter(role=Role.ADMIN))


@transaction.atomic
def change_role(project: Project, actor, membership: Membership, role: str) -> Membership:
    """Give a member another role; the project's last admin keeps theirs."""
    check_role_name(role)
    admins = lock_admins(project)
    membership = (
        project.memberships.select_for_update().select_related("user").get(pk=membership.pk)
    )
    if membership.role == role:
        return membership
    if membership.role == Role.ADMIN and len(admins) == 1:
        raise InvalidInput("A project needs an admin: make someone else admin first.", field="role")
    before = {"user": membership.user.username, "role": membership.role}
    membership.role = role
    membership.save(update_fields=["role"])
    record_event(
        actor,
        membership,
        "update",
        before=before,
        after={"user": membership.user.username, "role": role},
        project=project,
    )
    return membership


@transaction.atomic
def remove_member(project: Project, actor, membership: Membership) -> None:
    """Take someone out of the project. Their annotations stay, with their name on them;
    their assignments go, so the work can be redistributed."""
    admins = lock_admins(project)
    membership = (
        project.memberships.select_for_update().select_related("user").get(pk=membership.pk)
    )
    if membership.role == Role.ADMIN and len(admins) == 1:
        raise InvalidInput("A project needs an admin: make someone else admin first.")
    removed, _ = Assignment.objects.filter(claim__project=project, user=membership.user).delete()
    # The places they were assigned are free again.
    project.claims.filter(status__in=QUEUE_STATUSES, in_queue=False).refresh_in_queue(project)
    record_event(
        actor,
        membership,
        "delete",
        before={"user": membership.user.username, "role": membership.role},
        after={"assignments_removed": removed},
        project=project,
    )
    membership.delete()
