"""Who may see and do what. Every page and endpoint fetches its objects through these:
a stranger gets 404 (the object does not exist for them), a member without the right
role gets 403."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import FilteredRelation, Q, QuerySet
from django.http import Http404

from .models import Claim, Document, Membership, Organisation, Project, Role


def get_membership(user, project: Project) -> Membership:
    membership = project.memberships.filter(user=user).first() if user.is_authenticated else None
    if membership is None:
        raise Http404("No such project.")
    return membership


def check_role(membership: Membership, *, review: bool = False, admin: bool = False) -> None:
    if admin and membership.role != Role.ADMIN:
        raise PermissionDenied("Only the project's admins can do this.")
    if review and membership.role not in (Role.EDITOR, Role.ADMIN):
        raise PermissionDenied("Only the project's editors and admins can review.")


def check_site_admin(user) -> None:
    """Accounts are the installation's administrators' (staff) business, not a project's."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        raise PermissionDenied("Only the workbench's administrators can manage accounts.")


def get_project_for_user(
    user, slug: str, *, review: bool = False, admin: bool = False
) -> tuple[Project, Membership]:
    # One query for both: every project page and endpoint starts here.
    membership = (
        Membership.objects.select_related("project__rating_scale")
        .filter(project__slug=slug, user=user)
        .first()
        if user.is_authenticated
        else None
    )
    if membership is None:
        raise Http404("No such project.")
    check_role(membership, review=review, admin=admin)
    return membership.project, membership


def with_membership(queryset: QuerySet, user) -> QuerySet:
    """The rows with the user's membership of their project, read in the same query as the
    row (every claim and document endpoint needs both): see membership_of."""
    mine = FilteredRelation("project__memberships", condition=Q(project__memberships__user=user))
    return queryset.annotate(membership=mine).select_related("membership")


def membership_of(row: Document | Claim | None) -> Membership | None:
    # The ORM sets a filtered relation's attribute only when it found a row.
    return getattr(row, "membership", None)


def get_document_for_user(user, pk: int) -> tuple[Document, Membership]:
    documents = Document.objects.select_related("project__rating_scale", "extraction_job")
    document = (
        with_membership(documents, user).filter(pk=pk).first() if user.is_authenticated else None
    )
    membership = membership_of(document)
    if membership is None:
        raise Http404("No such document.")
    return document, membership


def get_claim_for_user(user, pk: int, *, review: bool = False) -> tuple[Claim, Membership]:
    # The document's text only when asked for: a transcript's megabytes on every autosave
    # would cost more than the save.
    claims = Claim.objects.select_related("document", "project__rating_scale").defer(
        "document__text"
    )
    claim = with_membership(claims, user).filter(pk=pk).first() if user.is_authenticated else None
    membership = membership_of(claim)
    if membership is None:
        raise Http404("No such claim.")
    check_role(membership, review=review)
    return claim, membership


def get_organisation_for_user(user, slug: str) -> Organisation:
    """An organisation its admins manage; to anyone else, even members of its projects,
    it does not exist."""
    organisation = Organisation.objects.administered_by(user).filter(slug=slug).first()
    if organisation is None:
        raise Http404("No such organisation.")
    return organisation
