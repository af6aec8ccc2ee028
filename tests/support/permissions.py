"""Who may call what: every page of the URLconf and every operation of the API schema,
classified by the people allowed to use it. The permission matrix
(tests/test_permission_matrix.py) tries each against each kind of visitor of
tests/support/world.py; a route or operation missing here fails it."""

from __future__ import annotations

# Anyone, logged in or not: logging in, and links handed over to be opened.
ANYONE = "anyone"
# Any logged-in account: their own list of projects, a new project, the API's schema.
SIGNED_IN = "signed in"
# Any member of the project the object belongs to.
MEMBER = "member"
# The project's editors and admins: review, assignments, exports, agreement, history.
REVIEWER = "reviewer"
# The project's admins: settings, rating scale, members.
PROJECT_ADMIN = "project admin"
# The admins of the organisation the project belongs to (the project's admin, in the world).
ORG_ADMIN = "organisation admin"
# The installation's administrators (staff): accounts and invitations.
STAFF = "staff"
# The Django admin: superusers only.
SUPERUSER = "superuser"
# A made-up invitation link: no such invitation (404), logged in or not.
UNKNOWN_LINK = "unknown link"
# A made-up object outside any project: 404 once logged in.
UNKNOWN_OBJECT = "unknown object"

# Pages and other non-schema routes, by URL name: who, and the methods they answer.
PAGES: dict[str, tuple[str, tuple[str, ...]]] = {
    "login": (ANYONE, ("GET", "POST")),
    "logout": (ANYONE, ("POST",)),
    "password_reset_confirm": (ANYONE, ("GET",)),
    "password_reset_complete": (ANYONE, ("GET",)),
    # The API's contract is public; it holds no data.
    "api:schema": (ANYONE, ("GET",)),
    "api:docs": (ANYONE, ("GET",)),
    "annotations:project-list": (SIGNED_IN, ("GET",)),
    "annotations:project-create": (SIGNED_IN, ("POST",)),
    "annotations:project-detail": (MEMBER, ("GET",)),
    "annotations:project-settings": (PROJECT_ADMIN, ("GET", "POST")),
    "annotations:rating-scale": (PROJECT_ADMIN, ("GET", "POST")),
    "annotations:document-create": (MEMBER, ("POST",)),
    "annotations:review-queue": (REVIEWER, ("GET",)),
    "annotations:export": (REVIEWER, ("GET",)),
    "annotations:queue-next": (MEMBER, ("POST",)),
    "annotations:document-detail": (MEMBER, ("GET",)),
    "annotations:document-extract-again": (REVIEWER, ("POST",)),
    "annotations:members": (REVIEWER, ("GET",)),
    "annotations:member-update": (PROJECT_ADMIN, ("POST",)),
    "annotations:member-invite": (PROJECT_ADMIN, ("POST",)),
    "annotations:organisation-list": (SIGNED_IN, ("GET", "POST")),
    "annotations:organisation-detail": (ORG_ADMIN, ("GET",)),
    "annotations:organisation-admin-add": (ORG_ADMIN, ("POST",)),
    "annotations:organisation-admin-remove": (ORG_ADMIN, ("POST",)),
    "annotations:organisation-project-add": (ORG_ADMIN, ("POST",)),
    "annotations:organisation-project-remove": (ORG_ADMIN, ("POST",)),
    "annotations:people": (STAFF, ("GET",)),
    "annotations:people-invite": (STAFF, ("POST",)),
    "annotations:person-update": (STAFF, ("POST",)),
    "annotations:invitation-revoke": (UNKNOWN_OBJECT, ("POST",)),
    "annotations:invitation-accept": (UNKNOWN_LINK, ("GET", "POST")),
    "annotations:assignments": (REVIEWER, ("GET",)),
    "annotations:assignments-distribute": (REVIEWER, ("POST",)),
    "annotations:assignment-delete": (REVIEWER, ("POST",)),
    "annotations:dashboard": (REVIEWER, ("GET",)),
    "annotations:dashboard-refresh": (REVIEWER, ("POST",)),
    "annotations:agreement": (REVIEWER, ("GET",)),
    "annotations:returned": (MEMBER, ("GET",)),
    "annotations:audit-export": (REVIEWER, ("GET",)),
    "annotations:export-create": (REVIEWER, ("POST",)),
    "annotations:dataset-import": (REVIEWER, ("POST",)),
    "annotations:export-download": (REVIEWER, ("GET",)),
    "annotations:claim-annotate": (MEMBER, ("GET", "POST")),
    "annotations:claim-review": (REVIEWER, ("POST",)),
    "annotations:claim-lock": (REVIEWER, ("POST",)),
    "annotations:claim-history": (REVIEWER, ("GET",)),
    "annotations:claim-comments": (MEMBER, ("GET", "POST")),
}

# The Django admin's own pages that are not superuser-only.
ADMIN_PAGES: dict[str, tuple[str, tuple[str, ...]]] = {
    "admin:login": (ANYONE, ("GET",)),
    "admin:logout": (ANYONE, ("POST",)),
}

# API operations of the OpenAPI schema, "METHOD path" as the schema writes them.
OPERATIONS: dict[str, str] = {
    "POST /api/auth/token/": ANYONE,
    "GET /api/projects/": SIGNED_IN,
    "POST /api/projects/": SIGNED_IN,
    "GET /api/organisations/": SIGNED_IN,
    "POST /api/organisations/": SIGNED_IN,
    "GET /api/organisations/{slug}/": ORG_ADMIN,
    "PATCH /api/organisations/{slug}/": ORG_ADMIN,
    "GET /api/organisations/{slug}/admins/": ORG_ADMIN,
    "POST /api/organisations/{slug}/admins/": ORG_ADMIN,
    "DELETE /api/organisations/{slug}/admins/{username}/": ORG_ADMIN,
    "GET /api/organisations/{slug}/projects/": ORG_ADMIN,
    "POST /api/organisations/{slug}/projects/": ORG_ADMIN,
    "DELETE /api/organisations/{slug}/projects/{project}/": ORG_ADMIN,
    "GET /api/projects/{slug}/": MEMBER,
    "PATCH /api/projects/{slug}/": PROJECT_ADMIN,
    "GET /api/projects/{slug}/documents/": MEMBER,
    "POST /api/projects/{slug}/documents/": MEMBER,
    "GET /api/projects/{slug}/claims/": MEMBER,
    "GET /api/projects/{slug}/export/": REVIEWER,
    "GET /api/projects/{slug}/members/": REVIEWER,
    "POST /api/projects/{slug}/members/": PROJECT_ADMIN,
    "GET /api/projects/{slug}/members/{member}/": PROJECT_ADMIN,
    "PATCH /api/projects/{slug}/members/{member}/": PROJECT_ADMIN,
    "DELETE /api/projects/{slug}/members/{member}/": PROJECT_ADMIN,
    "GET /api/projects/{slug}/assignments/": REVIEWER,
    "POST /api/projects/{slug}/assignments/": REVIEWER,
    "POST /api/projects/{slug}/assignments/distribute/": REVIEWER,
    "DELETE /api/assignments/{id}/": REVIEWER,
    "GET /api/projects/{slug}/review-queue/": REVIEWER,
    "GET /api/projects/{slug}/agreement/": REVIEWER,
    "GET /api/projects/{slug}/dashboard/": REVIEWER,
    "GET /api/projects/{slug}/audit-log/": REVIEWER,
    "GET /api/projects/{slug}/returned/": MEMBER,
    "GET /api/projects/{slug}/exports/": REVIEWER,
    "POST /api/projects/{slug}/exports/": REVIEWER,
    "POST /api/projects/{slug}/imports/": REVIEWER,
    "GET /api/exports/{id}/": REVIEWER,
    "GET /api/exports/{id}/download/": REVIEWER,
    "GET /api/documents/{id}/": MEMBER,
    "GET /api/documents/{id}/extraction/": MEMBER,
    "POST /api/documents/{id}/extraction/": REVIEWER,
    "GET /api/projects/{slug}/jobs/": MEMBER,
    "GET /api/claims/{id}/": MEMBER,
    "PATCH /api/claims/{id}/": MEMBER,
    "GET /api/claims/{id}/annotation/": MEMBER,
    "PUT /api/claims/{id}/annotation/": MEMBER,
    "GET /api/claims/{id}/matches/": MEMBER,
    "POST /api/claims/{id}/review/": REVIEWER,
    "POST /api/projects/{slug}/queue/next/": MEMBER,
    "POST /api/documents/{id}/claims/": MEMBER,
    "POST /api/claims/{id}/skip/": MEMBER,
    "POST /api/claims/{id}/reject/": MEMBER,
    "POST /api/claims/{id}/merge/": MEMBER,
    "POST /api/claims/{id}/lock/": REVIEWER,
    "GET /api/claims/{id}/history/": REVIEWER,
    "GET /api/claims/{id}/comments/": MEMBER,
    "POST /api/claims/{id}/comments/": MEMBER,
}

# The project's members by role; everyone else in the world is an outsider to it.
PROJECT_ROLES = {"annotator": MEMBER, "editor": REVIEWER, "admin": PROJECT_ADMIN}
RANK = {MEMBER: 1, REVIEWER: 2, PROJECT_ADMIN: 3}
# In the world, the project's admin also administers its organisation.
ORGANISATION_ADMIN_ROLE = "admin"

ALLOWED = "allowed"
LOGIN = "login first"  # a redirect to a login page, or 401 from the API
FORBIDDEN = "403"
NOT_FOUND = "404"


def expected_outcome(level: str, role: str) -> str:
    """What `role` (a name of world.ROLES, or "superuser") gets from a route of `level`."""
    if level == ANYONE:
        return ALLOWED
    if level == UNKNOWN_LINK:
        return NOT_FOUND
    if role == "anonymous":
        return LOGIN
    if level == UNKNOWN_OBJECT:
        return NOT_FOUND
    if level == SIGNED_IN:
        return ALLOWED
    if level == SUPERUSER:
        return ALLOWED if role == "superuser" else LOGIN
    if level == STAFF:
        return ALLOWED if role == "superuser" else FORBIDDEN
    if level == ORG_ADMIN:
        # Only its admins know the organisation exists.
        return ALLOWED if role == ORGANISATION_ADMIN_ROLE else NOT_FOUND
    if role not in PROJECT_ROLES:
        # Strangers, other projects' and organisations' admins, the superuser: the project
        # does not exist for them.
        return NOT_FOUND
    return ALLOWED if RANK[PROJECT_ROLES[role]] >= RANK[level] else FORBIDDEN
