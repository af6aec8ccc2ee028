from __future__ import annotations

from axes.utils import reset as reset_login_failures
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from ...ingest import DocumentInput, create_document
from ...models import Project, Role
from ...organisations import add_project, create_organisation
from ...projects import add_member, create_project

DEMO_ARTICLE = """Harbour town council approves new flood wall after record storm season

The town council of Lindqvist Harbour voted 7 to 2 on Tuesday to build a 1.8-kilometre flood wall along the old quay, after the wettest autumn since records began in 1921.

Mayor Ana Ribeiro said the wall would cost 14.5 million euros and protect about 3,200 homes. "Without it, every second winter will flood the lower town," she told reporters after the vote.

Councillor Tomas Berg, who voted against, argued that the project would double the town's debt within five years. According to the regional audit office, the town's debt stood at 22 million euros at the end of last year.

The harbour master said storm surges had reached the quay eleven times this year, compared with three times in 2015.

Construction is expected to start in March and finish by the end of 2027, the council said.
"""

DEMO_USERS = [
    ("annotator", "annotate-demo-2026", Role.ANNOTATOR),
    ("editor", "review-demo-2026", Role.EDITOR),
    ("admin", "admin-demo-2026", Role.ADMIN),
]


class Command(BaseCommand):
    help = "Create a demo project with a short sample article, and demo logins (idempotent)."

    def handle(self, *args, **options):
        User = get_user_model()
        users = {}
        for username, password, role in DEMO_USERS:
            user, created = User.objects.get_or_create(username=username)
            if created:
                user.set_password(password)
            # The demo admin also administers the installation: the Django admin and the
            # People page (accounts, invitations, password resets).
            if role == Role.ADMIN:
                user.is_staff = user.is_superuser = True
            user.save()
            # Each start of the demo lets its logins in again, whatever was mistyped before.
            reset_login_failures(username=username)
            users[username] = user
        project = Project.objects.filter(slug="demo").first()
        if project is None:
            project = create_project(
                users["admin"],
                name="Demo newsroom",
                slug="demo",
                description="A sample project with one article written for the demo.",
                guidelines="## How we rate\n\nRate the claim as stated, against the best available evidence.",
            )
            organisation = create_organisation(
                users["admin"], name="Demo Fact Desk", url="https://factdesk.example.org/"
            )
            add_project(organisation, users["admin"], project.slug)
            create_document(
                project,
                users["admin"],
                DocumentInput(
                    title=DEMO_ARTICLE.split("\n")[0], text=DEMO_ARTICLE.split("\n", 2)[2]
                ),
            )
        for username, _password, role in DEMO_USERS:
            if project.role_of(users[username]) is None:
                add_member(project, users["admin"], users[username], role)
        self.stdout.write("Demo logins (http://127.0.0.1:8000/):")
        for username, password, role in DEMO_USERS:
            self.stdout.write(f"  {role.label:<10} username {username!r}  password {password!r}")
