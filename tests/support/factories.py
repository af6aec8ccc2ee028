from __future__ import annotations

import datetime

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from annotations.models import (
    Annotation,
    Claim,
    Document,
    Job,
    JobKind,
    JobState,
    Membership,
    Organisation,
    Project,
    RatingScale,
    Role,
    Source,
)

TEXT = (
    "The council voted 7 to 2 on Tuesday to build a flood wall. "
    "The mayor said the wall would cost 14.5 million euros. "
    "It was a sunny day."
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("correct horse battery")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"organisation-{n}")
    name = "Example Fact Desk"
    url = "https://factdesk.example.org/"

    @factory.post_generation
    def admins(organisation, create, users, **kwargs):
        if create and users:
            organisation.admins.add(*users)


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    slug = factory.Sequence(lambda n: f"project-{n}")
    name = factory.Sequence(lambda n: f"Project {n}")
    rating_scale = factory.LazyFunction(lambda: RatingScale.objects.get(key="six-point"))
    # Each project its own organisation: sharing "checked before?" is asked for explicitly.
    organisation = factory.SubFactory(OrganisationFactory)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    project = factory.SubFactory(ProjectFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.ANNOTATOR


def an_hour_from_now() -> datetime.datetime:
    """The lease of a job some worker is running."""
    return timezone.now() + datetime.timedelta(hours=1)


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document
        skip_postgeneration_save = True

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Article {n}")
    text = factory.Sequence(lambda n: f"{TEXT} (edition {n})")

    @factory.post_generation
    def extraction_status(document, create, state, **kwargs):
        """Its extraction job, in the state given (done by default)."""
        if create:
            Job.objects.create(
                kind=JobKind.EXTRACT,
                project_id=document.project_id,
                document=document,
                state=state or JobState.DONE,
                lease_expires_at=an_hour_from_now() if state == JobState.RUNNING else None,
            )


def span_of(document: Document, text: str) -> tuple[int, int]:
    start = document.text.index(text)
    return start, start + len(text)


class ClaimFactory(factory.django.DjangoModelFactory):
    """A claim on the first sentence of its document (or on `text` when given)."""

    class Meta:
        model = Claim

    document = factory.SubFactory(DocumentFactory)
    project = factory.LazyAttribute(lambda o: o.document.project)
    text = factory.LazyAttribute(lambda o: o.document.text.split(". ")[0] + ".")
    start = factory.LazyAttribute(lambda o: span_of(o.document, o.text)[0])
    end = factory.LazyAttribute(lambda o: span_of(o.document, o.text)[1])
    score = 0.8


class AnnotationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Annotation

    claim = factory.SubFactory(ClaimFactory)
    annotator = factory.SubFactory(UserFactory)
    stance = "refuted"
    verdict = "false"
    rationale = "The minutes show otherwise."


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source
        skip_postgeneration_save = True

    annotation = factory.SubFactory(AnnotationFactory)
    url = factory.Sequence(lambda n: f"https://evidence.example.org/{n}")
    title = "Council minutes"
    stance = "refutes"

    @factory.post_generation
    def fetch_status(source, create, state, **kwargs):
        """Its archiving job, in the state given (done by default)."""
        if create:
            Job.objects.create(
                kind=JobKind.FETCH,
                project_id=source.annotation.claim.project_id,
                source=source,
                state=state or JobState.DONE,
                lease_expires_at=an_hour_from_now() if state == JobState.RUNNING else None,
            )
