"""The migration that turns free-text organisation names into organisations: projects are
merged only when they share the name and an admin, so a stranger's project named like a
newsroom's stays out of it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("annotations", "0015_organisations")]
AFTER = [("annotations", "0017_project_organisation_names_removed")]


@pytest.fixture
def latest_schema_after():
    """The tests after this one run on the latest schema again, not on AFTER's."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_only_projects_sharing_an_admin_are_merged(latest_schema_after) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    User = apps.get_model("auth", "User")
    Project = apps.get_model("annotations", "Project")
    Membership = apps.get_model("annotations", "Membership")
    scale = apps.get_model("annotations", "RatingScale").objects.create(key="m", name="M")
    alice, bob, mallory = (User.objects.create(username=n) for n in ("alice", "bob", "mallory"))

    def project(slug, name, url="", admins=(), members=()):
        row = Project.objects.create(
            slug=slug,
            name=slug,
            rating_scale=scale,
            organisation_name=name,
            organisation_url=url,
        )
        for user in admins:
            Membership.objects.create(project=row, user=user, role="admin")
        for user in members:
            Membership.objects.create(project=row, user=user, role="annotator")
        return row

    desk = project("desk", "Acme News", "https://acme.example/", admins=[alice])
    # Alice administers this one too; Bob joins the organisation through it.
    daily = project("daily", " acme news", admins=[alice, bob])
    weekly = project("weekly", "ACME NEWS", admins=[bob])
    # Mallory typed the name; Alice is only an annotator of his project.
    intruder = project(
        "intruder", "acme news", "https://evil.example/", admins=[mallory], members=[alice]
    )
    lonely = project("lonely", "")

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    apps = executor.loader.project_state(AFTER).apps
    Project = apps.get_model("annotations", "Project")
    Organisation = apps.get_model("annotations", "Organisation")
    organisation_of = dict(Project.objects.values_list("slug", "organisation_id"))

    assert organisation_of["desk"] == organisation_of["daily"] == organisation_of["weekly"]
    acme = Organisation.objects.get(pk=organisation_of["desk"])
    assert (acme.name, acme.url) == ("Acme News", "https://acme.example/")
    assert set(acme.admins.values_list("username", flat=True)) == {"alice", "bob"}

    assert organisation_of["intruder"] not in (None, acme.pk)
    theirs = Organisation.objects.get(pk=organisation_of["intruder"])
    assert (theirs.name, theirs.url) == ("acme news", "https://evil.example/")
    assert list(theirs.admins.values_list("username", flat=True)) == ["mallory"]
    assert theirs.slug != acme.slug

    assert organisation_of["lonely"] is None
    assert Organisation.objects.count() == 2
    assert {desk.pk, daily.pk, weekly.pk, intruder.pk, lonely.pk} == set(
        Project.objects.values_list("pk", flat=True)
    )


@pytest.mark.django_db(transaction=True)
def test_going_back_writes_the_names_again(latest_schema_after) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    apps = executor.loader.project_state(AFTER).apps
    scale = apps.get_model("annotations", "RatingScale").objects.create(key="m", name="M")
    organisation = apps.get_model("annotations", "Organisation").objects.create(
        slug="acme", name="Acme News", url="https://acme.example/"
    )
    apps.get_model("annotations", "Project").objects.create(
        slug="desk", name="Desk", rating_scale=scale, organisation=organisation
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([("annotations", "0014_claims_table_indexes")])
    Project = executor.loader.project_state(
        [("annotations", "0014_claims_table_indexes")]
    ).apps.get_model("annotations", "Project")
    desk = Project.objects.get(slug="desk")
    assert (desk.organisation_name, desk.organisation_url) == ("Acme News", "https://acme.example/")
