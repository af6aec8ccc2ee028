"""Step 2 of 3: the organisations that projects named in free text become rows.

Before, any project whose organisation name matched another's (case and surrounding spaces
aside) shared its "checked before?" claims, so anyone could join a newsroom by typing its
name. The rule kept here: two projects end up in the same organisation only when they
name it alike AND share an admin (transitively: A and B share an admin, B and C another,
all three are one organisation). A project whose name matches but which shares no admin
with the others (a stranger's) gets an organisation of its own, under the same name, so
its exports still name it as their author and it reads nobody's claims.

Each organisation takes the name as its earliest project wrote it and the first
organisation URL set among its projects (earliest first); its admins are the admins of its
projects. Projects that named no organisation belong to none, as before (they match only
their own claims). Going back writes each project's organisation name and URL again."""

from collections import defaultdict

from django.db import migrations
from django.utils.text import slugify


def group_projects(projects, admins_of):
    """Lists of projects, in creation order, that become one organisation each."""
    by_name = defaultdict(list)
    for project in projects:
        name = project.organisation_name.strip()
        if name:
            by_name[name.casefold()].append(project)
    groups = []
    for same_name in by_name.values():
        # Union-find over the projects of one name, joined by a shared admin.
        parent = {project.pk: project.pk for project in same_name}

        def root(pk):
            while parent[pk] != pk:
                parent[pk] = parent[parent[pk]]
                pk = parent[pk]
            return pk

        first_of_admin = {}
        for project in same_name:
            for user_id in admins_of[project.pk]:
                if user_id in first_of_admin:
                    parent[root(project.pk)] = root(first_of_admin[user_id])
                else:
                    first_of_admin[user_id] = project.pk
        components = defaultdict(list)
        for project in same_name:
            components[root(project.pk)].append(project)
        groups += components.values()
    return groups


def create_organisations(apps, schema_editor):
    Project = apps.get_model("annotations", "Project")
    Membership = apps.get_model("annotations", "Membership")
    Organisation = apps.get_model("annotations", "Organisation")
    projects = list(Project.objects.exclude(organisation_name="").order_by("created_at", "pk"))
    admins_of = defaultdict(set)
    for project_id, user_id in Membership.objects.filter(
        role="admin", project__in=[p.pk for p in projects]
    ).values_list("project_id", "user_id"):
        admins_of[project_id].add(user_id)
    taken = set(Organisation.objects.values_list("slug", flat=True))
    for group in group_projects(projects, admins_of):
        name = group[0].organisation_name.strip()[:200]
        base = slugify(name)[:50] or "organisation"
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        taken.add(slug)
        url = next((p.organisation_url for p in group if p.organisation_url), "")
        organisation = Organisation.objects.create(slug=slug, name=name, url=url)
        organisation.admins.set(set().union(*(admins_of[p.pk] for p in group)))
        Project.objects.filter(pk__in=[p.pk for p in group]).update(organisation=organisation)


def restore_names(apps, schema_editor):
    Project = apps.get_model("annotations", "Project")
    for project in Project.objects.exclude(organisation=None).select_related("organisation"):
        project.organisation_name = project.organisation.name
        project.organisation_url = project.organisation.url
        project.save(update_fields=["organisation_name", "organisation_url"])


class Migration(migrations.Migration):

    dependencies = [
        ('annotations', '0015_organisations'),
    ]

    operations = [
        migrations.RunPython(create_organisations, restore_names),
    ]
