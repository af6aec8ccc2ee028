"""Organisations: who administers them and which projects belong to them.

The projects of an organisation read each other's checked claims ("checked before?"), so
a project joins only when someone who administers both the organisation and the project
adds it, and an organisation's admins are only ever added by its admins."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.text import slugify

from .audit import record_event
from .errors import InvalidInput
from .models import Organisation, Project, Role
from .web_addresses import check_web_address

EDITABLE_FIELDS = ["name", "url"]


def unique_slug(name: str) -> str:
    base = slugify(name)[:50] or "organisation"
    slug, n = base, 2
    while Organisation.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def check_fields(fields: dict) -> dict:
    """The name and URL as they will be stored; a message naming the field otherwise."""
    cleaned = {}
    if "name" in fields:
        name = (fields["name"] or "").strip()
        if not name:
            raise InvalidInput("An organisation needs a name.", field="name")
        if len(name) > 200:
            raise InvalidInput("The name is longer than 200 characters.", field="name")
        cleaned["name"] = name
    if "url" in fields:
        url = check_web_address(fields["url"], field="url")
        if len(url) > 200:
            raise InvalidInput("The URL is longer than 200 characters.", field="url")
        cleaned["url"] = url
    return cleaned


@transaction.atomic
def create_organisation(user, *, name: str, url: str = "", slug: str = "") -> Organisation:
    """Create an organisation; whoever creates it becomes its first admin. It has no
    projects until an admin adds some, so creating one gives nobody access to anything."""
    fields = check_fields({"name": name, "url": url})
    slug = slug or unique_slug(fields["name"])
    if Organisation.objects.filter(slug=slug).exists():
        raise InvalidInput(f"The slug {slug!r} is already taken.", field="slug")
    organisation = Organisation.objects.create(slug=slug, **fields)
    organisation.admins.add(user)
    record_event(
        user, organisation, "create", after={**fields, "slug": slug, "admins": [user.username]}
    )
    return organisation


@transaction.atomic
def update_organisation(organisation: Organisation, user, changes: dict) -> Organisation:
    """Change the organisation's name or URL (its projects' ClaimReview author)."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput(f"These fields cannot be changed: {', '.join(sorted(unknown))}.")
    changes = check_fields(changes)
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    before = {name: getattr(organisation, name) for name in changes}
    for name, value in changes.items():
        setattr(organisation, name, value)
    organisation.save()
    if before != changes:
        record_event(user, organisation, "update", before=before, after=changes)
    return organisation


def lock(organisation: Organisation) -> Organisation:
    """Lock the organisation's row: two admins removing each other at once must not both
    succeed and leave it without an admin."""
    return Organisation.objects.select_for_update().get(pk=organisation.pk)


@transaction.atomic
def add_admin(organisation: Organisation, actor, username: str):
    """Make an existing user an admin of the organisation, by username."""
    user = get_user_model().objects.filter(username=(username or "").strip()).first()
    if user is None or not user.is_active:
        raise InvalidInput(f"There is no user called {username!r}.", field="username")
    organisation = lock(organisation)
    if organisation.admins.filter(pk=user.pk).exists():
        raise InvalidInput(f"{user.username} is already an admin.", field="username")
    organisation.admins.add(user)
    record_event(actor, organisation, "update", after={"admin_added": user.username})
    return user


@transaction.atomic
def remove_admin(organisation: Organisation, actor, user) -> None:
    """Take someone's admin rights over the organisation away; its last admin stays."""
    organisation = lock(organisation)
    admins = set(organisation.admins.values_list("pk", flat=True))
    if user.pk not in admins:
        raise InvalidInput(f"{user.username} is not an admin of {organisation.name}.")
    if admins == {user.pk}:
        raise InvalidInput("An organisation needs an admin: add someone else first.")
    organisation.admins.remove(user)
    record_event(actor, organisation, "update", after={"admin_removed": user.username})


@transaction.atomic
def add_project(organisation: Organisation, actor, slug: str) -> Project:
    """Bring a project the actor administers into the organisation: from now on its claims
    and the organisation's other projects' claims are "checked before?" for each other,
    and its fact-checks are published under the organisation's name."""
    # The same answer for a project that does not exist and one she does not administer:
    # this form must not tell anyone which projects exist.
    # Locks the project's row only (not the membership it was found by): an admin adding
    # it to two organisations at once must not have both succeed.
    project = (
        Project.objects.select_for_update(of=("self",))
        .filter(slug=slug, memberships__user=actor, memberships__role=Role.ADMIN)
        .first()
    )
    if project is None:
        raise InvalidInput(
            f"You administer no project {slug!r}: only a project's admins can add it.",
            field="project",
        )
    if project.organisation_id == organisation.pk:
        return project
    if project.organisation_id is not None:
        raise InvalidInput(
            f"{project.name} belongs to {project.organisation.name}: one of its admins must "
            "take it out first.",
            field="project",
        )
    project.organisation = organisation
    project.save(update_fields=["organisation"])
    record_event(
        actor,
        project,
        "update",
        before={"organisation": None},
        after={"organisation": organisation.slug},
    )
    return project


@transaction.atomic
def remove_project(organisation: Organisation, actor, project: Project) -> None:
    """Take a project out of the organisation: its claims and the organisation's stop
    being "checked before?" for each other (stored matches included, see
    ClaimMatchQuerySet.readable_from)."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.organisation_id != organisation.pk:
        raise InvalidInput(f"{project.name} is not a project of {organisation.name}.")
    project.organisation = None
    project.save(update_fields=["organisation"])
    record_event(
        actor,
        project,
        "update",
        before={"organisation": organisation.slug},
        after={"organisation": None},
    )
