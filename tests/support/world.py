"""One project with a member of each role, in an organisation its admin administers, and
people who must see nothing of it: the objects every route of the URLconf is walked
against (headers, permission matrix)."""

from __future__ import annotations

from dataclasses import dataclass, field

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import models
from rest_framework.authtoken.models import Token, TokenProxy

from annotations.jobs import queue_export
from annotations.models import (
    Assignment,
    AuditEvent,
    Export,
    Role,
)

from .factories import (
    ClaimFactory,
    DocumentFactory,
    MembershipFactory,
    OrganisationFactory,
    ProjectFactory,
    UserFactory,
)

# The people each route is tried as, from least to most entitled; `anonymous` is logged out.
ROLES = [
    "anonymous",
    "stranger",
    "other_project_admin",
    "other_org_admin",
    "annotator",
    "editor",
    "admin",
]


@dataclass
class World:
    project: object
    document: object
    claim: object
    export: object
    assignment: object
    annotator_membership: object
    organisation: object = None
    people: dict = field(default_factory=dict)
    superuser: object = None

    @property
    def annotator(self):
        return self.people["annotator"]

    @property
    def organisation_admin(self):
        """The project's admin, who administers its organisation too."""
        return self.people["admin"]

    def object_of_model(self, model: type[models.Model]):
        """An instance of the model for the admin's change pages."""
        known = {
            AuditEvent: lambda: AuditEvent.objects.first(),
            get_user_model(): lambda: self.annotator,
            Group: lambda: Group.objects.get_or_create(name="Newsroom staff")[0],
            TokenProxy: lambda: TokenProxy.objects.get(
                pk=Token.objects.get_or_create(user=self.annotator)[0].pk
            ),
        }
        if model in known:
            return known[model]()
        instance = model.objects.first()
        assert instance is not None, f"no {model.__name__} in the world"
        return instance


def build_world() -> World:
    organisation = OrganisationFactory(slug="newsroom-group", name="Newsroom group")
    project = ProjectFactory(slug="newsroom", name="Newsroom", organisation=organisation)
    document = DocumentFactory(project=project)
    claim = ClaimFactory(document=document)
    people = {"anonymous": None, "stranger": UserFactory(username="stranger")}
    memberships = {}
    for role in (Role.ANNOTATOR, Role.EDITOR, Role.ADMIN):
        user = UserFactory(username=role.value)
        memberships[role] = MembershipFactory(project=project, user=user, role=role)
        people[role.value] = user
    organisation.admins.add(people["admin"])
    # Another newsroom: a project with its own admin, in an organisation with its own admin.
    people["other_org_admin"] = UserFactory(username="other_org_admin")
    other_organisation = OrganisationFactory(
        slug="other-group", name="Other group", admins=[people["other_org_admin"]]
    )
    other = ProjectFactory(slug="other-desk", name="Other desk", organisation=other_organisation)
    people["other_project_admin"] = UserFactory(username="other_admin")
    MembershipFactory(project=other, user=people["other_project_admin"], role=Role.ADMIN)
    export = Export.objects.create(project=project, format="jsonl", requested_by=people["editor"])
    queue_export(export)
    assignment = Assignment.objects.create(claim=claim, user=people["annotator"])
    AuditEvent.objects.create(project=project, object_type="claim", object_id=claim.pk, action="x")
    # One failed login of each record kind, for the admin's login-throttling pages.
    attempt = {"username": "stranger", "ip_address": "203.0.113.9", "user_agent": "test"}
    AccessAttempt.objects.create(**attempt, failures_since_start=1)
    AccessFailureLog.objects.create(**attempt)
    AccessLog.objects.create(**attempt)
    superuser = get_user_model().objects.create_superuser("root", password="correct horse battery")
    return World(
        project=project,
        document=document,
        claim=claim,
        export=export,
        assignment=assignment,
        annotator_membership=memberships[Role.ANNOTATOR],
        organisation=organisation,
        people=people,
        superuser=superuser,
    )
