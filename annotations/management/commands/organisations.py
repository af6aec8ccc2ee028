from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from ... import access
from ...errors import InvalidInput
from ...models import Organisation
from ...organisations import (
    add_admin,
    add_project,
    create_organisation,
    remove_admin,
    remove_project,
)


class Command(BaseCommand):
    help = (
        "Organisations: `list` them; `create` one, `add-project` and `remove-project` as one of "
        "its admins (--as); `add-admin` and `remove-admin` as the installation's operator, e.g. "
        "for an organisation left without an admin."
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("list", help="every organisation, with its admins and projects")
        create = actions.add_parser("create", help="a new organisation, its first admin --as")
        create.add_argument("name")
        create.add_argument("--url", default="")
        create.add_argument("--as", dest="username", required=True, help="its first admin")
        for name in ("add-admin", "remove-admin"):
            admins = actions.add_parser(name, help=f"{name.replace('-', ' ')} by username")
            admins.add_argument("organisation", help="organisation slug")
            admins.add_argument("user", help="username")
        for name in ("add-project", "remove-project"):
            projects = actions.add_parser(name, help="as an admin of the organisation")
            projects.add_argument("organisation", help="organisation slug")
            projects.add_argument("project", help="project slug")
            projects.add_argument("--as", dest="username", required=True, help="an admin of both")

    def handle(self, *args, action: str, **options):
        try:
            getattr(self, f"do_{action.replace('-', '_')}")(**options)
        except InvalidInput as exc:
            raise CommandError(exc.message) from None

    def do_list(self, **options) -> None:
        for organisation in Organisation.objects.prefetch_related("admins", "projects"):
            admins = ", ".join(sorted(u.username for u in organisation.admins.all())) or "—"
            projects = ", ".join(p.slug for p in organisation.projects.all()) or "—"
            self.stdout.write(
                f"{organisation.slug}  {organisation.name}  {organisation.url or '—'}\n"
                f"    admins: {admins}\n    projects: {projects}"
            )

    def do_create(self, *, name: str, url: str, username: str, **options) -> None:
        organisation = create_organisation(user_named(username), name=name, url=url)
        self.stdout.write(f"Created {organisation.slug}, administered by {username}.")

    def do_add_admin(self, *, organisation: str, user: str, **options) -> None:
        add_admin(organisation_named(organisation), None, user)
        self.stdout.write(f"{user} is now an admin of {organisation}.")

    def do_remove_admin(self, *, organisation: str, user: str, **options) -> None:
        remove_admin(organisation_named(organisation), None, user_named(user))
        self.stdout.write(f"{user} is no longer an admin of {organisation}.")

    def do_add_project(self, *, organisation: str, project: str, username: str, **options) -> None:
        actor = user_named(username)
        add_project(administered(actor, organisation), actor, project)
        self.stdout.write(f"{project} is now a project of {organisation}.")

    def do_remove_project(
        self, *, organisation: str, project: str, username: str, **options
    ) -> None:
        actor = user_named(username)
        found = administered(actor, organisation)
        member = found.projects.filter(slug=project).first()
        if member is None:
            raise CommandError(f"{organisation} has no project {project!r}.")
        remove_project(found, actor, member)
        self.stdout.write(f"{project} is no longer a project of {organisation}.")


def user_named(username: str):
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"There is no user called {username!r}.")
    return user


def organisation_named(slug: str) -> Organisation:
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise CommandError(f"There is no organisation {slug!r}.")
    return organisation


def administered(user, slug: str) -> Organisation:
    try:
        return access.get_organisation_for_user(user, slug)
    except Http404:
        raise CommandError(f"{user.username} administers no organisation {slug!r}.") from None
