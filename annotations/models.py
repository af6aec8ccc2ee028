"""The workbench's data: projects and their rating scales, documents, claims,
annotations with their sources, editorial reviews and the audit trail."""

from __future__ import annotations

import datetime
import hashlib
import uuid

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import (
    Case,
    Count,
    F,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.lookups import IsNull
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property


class Role(models.TextChoices):
    ANNOTATOR = "annotator", "Annotator"
    EDITOR = "editor", "Editor"
    ADMIN = "admin", "Admin"


class FeverLabel(models.TextChoices):
    SUPPORTS = "SUPPORTS", "Supports"
    REFUTES = "REFUTES", "Refutes"
    NOT_ENOUGH_INFO = "NOT ENOUGH INFO", "Not enough info"


class AveritecLabel(models.TextChoices):
    SUPPORTED = "Supported", "Supported"
    REFUTED = "Refuted", "Refuted"
    NOT_ENOUGH_EVIDENCE = "Not Enough Evidence", "Not enough evidence"
    CONFLICTING = "Conflicting Evidence/Cherrypicking", "Conflicting evidence / cherry-picking"


class RatingScale(models.Model):
    """A set of verdicts a project rates claims with (six-point, Check-style, ...).

    A free-text scale has no labels: its verdicts are whatever the annotator writes. The
    presets are shared by every project; a scale a project's admin edited is that project's
    own (`custom`), and counts its `version` up with each change (RatingScaleVersion)."""

    key = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    free_text = models.BooleanField(default=False)
    custom = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1)

    def __str__(self) -> str:
        return self.name

    @property
    def is_numeric(self) -> bool:
        """True when every label has an ordinal value, so ratings can be given as numbers."""
        labels = list(self.labels.all())
        return bool(labels) and all(label.ordinal is not None for label in labels)

    def rating_range(self) -> tuple[int, int] | None:
        """The lowest and highest ClaimReview rating values, when every label has one."""
        values = [label.rating_value for label in self.labels.all()]
        if not values or None in values:
            return None
        return min(values), max(values)

    def label_for(self, key: str) -> RatingLabel | None:
        for label in self.labels.all():
            if label.key == key:
                return label
        return None

    def allowed_keys(self) -> list[str]:
        return [label.key for label in self.labels.all()]


class RatingLabel(models.Model):
    scale = models.ForeignKey(RatingScale, on_delete=models.CASCADE, related_name="labels")
    key = models.SlugField(max_length=50)
    label = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    colour = models.CharField(max_length=7, default="#777777", help_text="#rrggbb")
    # Higher is truer; used for ordinal agreement, and for ClaimReview's ratingValue when
    # `claimreview_rating` is not set.
    ordinal = models.SmallIntegerField(null=True, blank=True)
    fever_label = models.CharField(max_length=16, choices=FeverLabel.choices, blank=True)
    # Blank: AVeriTeC exports derive the label from the FEVER one and the annotators' stances.
    averitec_label = models.CharField(max_length=40, choices=AveritecLabel.choices, blank=True)
    claimreview_rating = models.SmallIntegerField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["scale", "position"]
        constraints = [
            models.UniqueConstraint(fields=["scale", "key"], name="unique_label_key_per_scale"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def rating_value(self) -> int | None:
        """ClaimReview's ratingValue: the scale editor's choice, else the ordinal value."""
        return self.claimreview_rating if self.claimreview_rating is not None else self.ordinal


class RatingScaleVersion(models.Model):
    """A custom scale's labels as they read from `created_at` on, kept for the record."""

    scale = models.ForeignKey(RatingScale, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    name = models.CharField(max_length=100)
    labels = models.JSONField(default=list)
    # Old verdict key -> new key, when the change renamed or removed verdicts in use.
    mapping = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["scale_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["scale", "number"], name="unique_scale_version"),
        ]

    def __str__(self) -> str:
        return f"{self.scale} v{self.number}"


class OrganisationQuerySet(models.QuerySet):
    def administered_by(self, user) -> OrganisationQuerySet:
        """Organisations the user is an admin of: the only ones they may even know exist."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(admins=user)


class Organisation(models.Model):
    """A newsroom or a lab: the publisher named in its projects' fact-checks, and the circle
    "checked before?" draws on. A project belongs to one only when an admin of the
    organisation, who is also the project's admin, added it: the name is a label, never a
    key, so nobody joins an organisation by typing its name."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    url = models.URLField(blank=True, help_text="The publisher's address in ClaimReview exports.")
    admins = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="administered_organisations", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("annotations:organisation-detail", args=[self.slug])


class ProjectQuerySet(models.QuerySet):
    def for_user(self, user) -> ProjectQuerySet:
        """Projects the user is a member of: the only ones they may even know exist."""
        return self.filter(memberships__user=user)


def default_scorer() -> str:
    """New projects score with the scorer the deployment names (FACTCHECK_DEFAULT_SCORER)."""
    return settings.FACTCHECK_DEFAULT_SCORER


class Project(models.Model):
    class Scorer(models.TextChoices):
        LIGHT = "light", "Light (n-gram model)"
        TRANSFORMER = "transformer", "Transformer (sentence encoder)"

    class QueueOrder(models.TextChoices):
        SCORE = "score", "Check-worthiness score"
        DOCUMENT = "document", "Document order"

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    guidelines = models.TextField(blank=True, help_text="Markdown")
    rating_scale = models.ForeignKey(RatingScale, on_delete=models.PROTECT, related_name="projects")
    annotations_per_claim = models.PositiveSmallIntegerField(default=1)
    checkworthiness_threshold = models.FloatField(default=0.5)
    match_threshold = models.FloatField(default=0.6)
    scorer = models.CharField(max_length=20, choices=Scorer.choices, default=default_scorer)
    queue_order = models.CharField(
        max_length=20, choices=QueueOrder.choices, default=QueueOrder.SCORE
    )
    # Whose fact-checks these are (ClaimReview's author), and which other projects' checked
    # claims "checked before?" may show. Set only by the organisation's admins.
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
    )
    # AVeriTeC exports: the country the project's claims are about (ISO 3166-1 alpha-2), when
    # a claim names none, and the project's own mapping of claim types and source kinds to
    # AVeriTeC's vocabulary over the default one (exports.averitec.DEFAULT_VOCABULARY).
    location_iso_code = models.CharField(max_length=2, blank=True)
    averitec_vocabulary = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(annotations_per_claim__gte=1, annotations_per_claim__lte=10),
                name="annotations_per_claim_1_to_10",
            ),
            models.CheckConstraint(
                condition=Q(checkworthiness_threshold__gte=0, checkworthiness_threshold__lte=1),
                name="threshold_between_0_and_1",
            ),
            models.CheckConstraint(
                condition=Q(match_threshold__gte=0, match_threshold__lte=1),
                name="match_threshold_between_0_and_1",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def scorer_in_use(self) -> str:
        """The scorer that extraction will actually run: light when the transformer model is not installed."""
        from .extraction.scoring import resolve_scorer

        return resolve_scorer(self.scorer)

    def scorer_for(self, text: str) -> str:
        """The scorer to ask for on this text: light for texts too long for the transformer's time budget."""
        if (
            self.scorer == Project.Scorer.TRANSFORMER
            and len(text) > settings.FACTCHECK_TRANSFORMER_MAX_CHARS
        ):
            return Project.Scorer.LIGHT
        return self.scorer

    def organisation_projects(self) -> models.QuerySet[Project]:
        """Projects whose claims count as this one's own for "checked before?": those of its
        organisation, or only this project when it belongs to none."""
        if self.organisation_id is None:
            return Project.objects.filter(pk=self.pk)
        return Project.objects.filter(organisation_id=self.organisation_id)

    def role_of(self, user) -> str | None:
        membership = self.memberships.filter(user=user).first()
        return membership.role if membership else None


class Membership(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.ANNOTATOR)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="one_membership_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.role}) in {self.project}"

    @property
    def can_review(self) -> bool:
        return self.role in (Role.EDITOR, Role.ADMIN)

    @property
    def can_administer(self) -> bool:
        return self.role == Role.ADMIN


class Invitation(models.Model):
    """A link that lets someone create their own account, and join a project with a role
    when it names one. Its token is signed, not stored (people.invitation_url); it works
    once, until `expires_at`."""

    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.CASCADE, related_name="invitations"
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.ANNOTATOR)
    note = models.CharField(max_length=200, blank=True, help_text="Who it is for")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"invitation {self.pk} ({self.role})"

    @property
    def is_open(self) -> bool:
        from django.utils import timezone

        return not self.revoked and self.accepted_at is None and self.expires_at > timezone.now()


def hash_content(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Document(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(max_length=500)
    url = models.URLField(max_length=2000, blank=True)
    publisher = models.CharField(max_length=200, blank=True)
    byline = models.CharField(max_length=300, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    language = models.CharField(max_length=10, default="en")
    text = models.TextField()
    content_hash = models.CharField(max_length=64, editable=False)
    # Whether claims were extracted lives on the document's extraction job (`extraction_job`).
    extractor_version = models.CharField(max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # The same article ingested twice into a project is refused, not duplicated.
            models.UniqueConstraint(
                fields=["project", "content_hash"], name="unique_document_text_per_project"
            ),
            models.CheckConstraint(condition=~Q(text=""), name="document_text_not_empty"),
        ]
        indexes = [
            # The documents list, newest first, a keyset page at a time. Its text filter
            # is served on PostgreSQL by trigram indexes (migration document_list_index).
            models.Index(fields=["project", "-id"], name="document_project_newest"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        self.content_hash = hash_content(self.text)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        """The document's desk."""
        return reverse("annotations:document-detail", args=[self.pk])

    @property
    def scorer_fallback_reason(self) -> str:
        """Why light scored this document although the project asked for the transformer ("" if it did not)."""
        if (
            self.project.scorer != Project.Scorer.TRANSFORMER
            or not self.extractor_version.startswith("light-")
        ):
            return ""
        if self.project.scorer_for(self.text) != Project.Scorer.TRANSFORMER:
            return "Document too long for the transformer within the time limit; scored with light"
        return "Transformer model not installed; scored with light"


class ClaimStatus(models.TextChoices):
    UNSTARTED = "unstarted", "Unstarted"
    IN_PROGRESS = "in_progress", "In progress"
    IN_REVIEW = "in_review", "In review"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


# Claims an annotator's queue may offer: not yet complete, not closed.
QUEUE_STATUSES = (ClaimStatus.UNSTARTED, ClaimStatus.IN_PROGRESS)


def places_held_sql(*, reserved: bool = False, besides: bool = False) -> str:
    """SQL for how many people hold one of the annotations-per-claim places of the claim in
    the outer query (`annotations_claim`), each person once: those who submitted an
    annotation of it, those an editor assigned it to and, with `reserved`, those whose
    reservation of it runs past `%(now)s`. With `besides`, `%(user)s` is left out: the
    person asking.

    Plain SQL because the ORM has no UNION in a correlated subquery, and spelling the same
    count with nested EXISTS costs more to compile than the queue's whole query to run."""
    holders = [
        "SELECT annotator_id AS person FROM annotations_annotation"
        " WHERE claim_id = annotations_claim.id AND state = 'submitted'",
        "SELECT user_id FROM annotations_assignment WHERE claim_id = annotations_claim.id",
    ]
    if reserved:
        holders.append(
            "SELECT user_id FROM annotations_claimreservation"
            " WHERE claim_id = annotations_claim.id AND expires_at > %(now)s"
        )
    sql = f"SELECT COUNT(*) FROM ({' UNION '.join(holders)}) AS holders"
    if besides:
        sql += " WHERE person <> %(user)s"
    return f"({sql})"


def in_queue_sql(places: int) -> RawSQL:
    """Claim.in_queue as it should be: open, and a place not held (places_held_sql)."""
    return RawSQL(
        f"(status IN ('unstarted', 'in_progress') AND {places_held_sql()} < %s)",
        [places],
        output_field=models.BooleanField(),
    )


class ClaimQuerySet(models.QuerySet):
    def refresh_in_queue(self, project: Project) -> int:
        """Recompute `in_queue` for these claims of the project, from their status and the
        places held on them. Called by every write that changes either."""
        return self.update(in_queue=in_queue_sql(project.annotations_per_claim))

    def awaiting_review(self) -> ClaimQuerySet:
        return self.filter(status=ClaimStatus.IN_REVIEW)

    def with_disagreement(self) -> ClaimQuerySet:
        """Annotate each claim with its submitted annotations' count and whether they
        disagree on verdict or stance (`annotated_disagreement`), computed from the
        annotations themselves: the source of truth for the stored flag.

        MIN <> MAX answers "more than one distinct value" with a plain hash aggregate,
        which PostgreSQL computes far faster than COUNT(DISTINCT ...)."""
        submitted = Q(annotations__state=AnnotationState.SUBMITTED)
        return self.annotate(
            n_submitted=Count("annotations", filter=submitted),
            verdict_low=Min("annotations__verdict", filter=submitted),
            verdict_high=Max("annotations__verdict", filter=submitted),
            stance_low=Min("annotations__stance", filter=submitted),
            stance_high=Max("annotations__stance", filter=submitted),
        ).annotate(
            annotated_disagreement=Case(
                When(
                    Q(verdict_low__lt=F("verdict_high")) | Q(stance_low__lt=F("stance_high")),
                    then=Value(True),
                ),
                default=Value(False),
                output_field=models.BooleanField(),
            )
        )

    def review_queue(self) -> ClaimQuerySet:
        """Claims awaiting review, the ones whose annotators disagree first, then the
        longest waiting. Reads the stored `disagreement` flag, so the queue is an index
        scan however many claims wait (ordering by the aggregate would read them all)."""
        return self.awaiting_review().order_by("-disagreement", "updated_at", "id")

    def with_last_review(self) -> ClaimQuerySet:
        """Annotate each claim with its latest review: `last_action`, `return_target` (the
        annotator a return went to; None for all of them), `return_comment`, `returned_by`
        and `returned_at`."""
        latest = Review.objects.filter(claim=OuterRef("pk")).order_by("-created_at", "-id")
        return self.annotate(
            last_action=Subquery(latest.values("action")[:1]),
            return_target=Subquery(latest.values("annotation__annotator_id")[:1]),
            return_comment=Subquery(latest.values("comment")[:1]),
            returned_by=Subquery(latest.values("editor__username")[:1]),
            returned_at=Subquery(latest.values("created_at")[:1]),
        )

    def assigned_to(self, user) -> ClaimQuerySet:
        return self.filter(assignments__user=user)

    def with_verdict(self) -> ClaimQuerySet:
        """Claims with a final verdict: the ones "checked before?" can point to."""
        return self.exclude(final_verdict="")

    def untouched_extractions(self) -> ClaimQuerySet:
        """Extracted claims nobody has worked on: safe to replace on re-extraction."""
        return (
            self.filter(origin=Claim.Origin.EXTRACTED, status=ClaimStatus.UNSTARTED, version=1)
            .annotate(n_annotations=Count("annotations"))
            .filter(n_annotations=0)
        )


class Claim(models.Model):
    class Origin(models.TextChoices):
        EXTRACTED = "extracted", "Extracted"
        MANUAL = "manual", "Manual"
        IMPORTED = "imported", "Imported"

    # The project is also reachable through the document; it is kept here because every
    # listing, queue and export filters claims by project.
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="claims")
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="claims")
    # The claim's id outside this database: in exported URLs and ids, kept by a restore.
    # Unique within its project, so that a backup can also be restored as a copy.
    public_id = models.UUIDField(default=uuid.uuid4, editable=False)
    text = models.TextField()
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    speaker = models.CharField(max_length=200, blank=True)
    score = models.FloatField(null=True, blank=True)
    scorer_version = models.CharField(max_length=100, blank=True)
    claim_types = models.JSONField(default=list, blank=True)
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.EXTRACTED)
    status = models.CharField(
        max_length=12, choices=ClaimStatus.choices, default=ClaimStatus.UNSTARTED
    )
    final_verdict = models.CharField(max_length=200, blank=True)
    final_rationale = models.TextField(blank=True)
    # The editor's comment on the decision that gave the final verdict: beside the
    # rationale, never in its place.
    review_comment = models.TextField(blank=True)
    rejection_reason = models.TextField(blank=True)
    # Set when this claim was merged into another as its duplicate (it is then rejected).
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )
    # An approved verdict an editor has locked: no review changes it until it is reopened.
    locked = models.BooleanField(default=False)
    # Whether annotators' queues may offer the claim: it is open (unstarted or in progress)
    # and some of its annotations-per-claim places are not held by people who submitted or
    # were assigned it (ClaimQuerySet.refresh_in_queue, called by the writes that change
    # those). The queue's partial indexes hold only these claims, so a pick reads a few
    # index entries however many claims are done or spoken for. True is always safe: the
    # queue checks each candidate's places exactly; a claim starts in the queue.
    in_queue = models.BooleanField(default=True, db_default=True)
    # Whether the submitted annotations differ in verdict or stance. Set by the writes
    # that move a claim into review or change its annotations there; the review queue
    # sorts on it.
    disagreement = models.BooleanField(default=False)
    # When the claim was made; exports fall back to its document's publication date.
    claim_date = models.DateField(null=True, blank=True)
    # The country the claim is about (ISO 3166-1 alpha-2); else the project's.
    location_iso_code = models.CharField(max_length=2, blank=True)
    # The published fact-check of an imported claim (ClaimReview `url`) and its date.
    review_url = models.URLField(max_length=2000, blank=True)
    review_date = models.DateField(null=True, blank=True)
    # Fields of an imported record the workbench has no column for (LIAR's subjects, party and
    # credit history; ClaimReview's appearances), kept so that exporting gives them back.
    metadata = models.JSONField(default=dict, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["document_id", "start", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(start__lt=F("end")), name="claim_span_not_empty"),
            models.CheckConstraint(
                condition=Q(locked=False) | Q(status=ClaimStatus.APPROVED),
                name="only_approved_claims_lock",
            ),
            models.UniqueConstraint(
                fields=["project", "public_id"], name="unique_claim_public_id_per_project"
            ),
        ]
        indexes = [
            # Project claim listings filtered by status (API list, progress counts, queues).
            models.Index(fields=["project", "status"], name="claim_project_status"),
            # A project's claims by check-worthiness (min_score filters, fair distribution).
            models.Index(fields=["project", "-score"], name="claim_project_score"),
            # The queue's next claim, in either of the project's orders: only claims still
            # open to another annotator (queue.next_claim). Unscored claims (added by hand)
            # come last: sorted by "score IS NULL" first, as SQLite refuses NULLS LAST in an
            # index.
            models.Index(
                F("project"),
                IsNull(F("score"), True),
                F("score").desc(),
                F("document"),
                F("start"),
                F("id"),
                condition=Q(in_queue=True),
                name="claim_queue_by_score",
            ),
            models.Index(
                fields=["project", "document", "start", "id"],
                condition=Q(in_queue=True),
                name="claim_queue_by_document",
            ),
            # The same orders over every open claim, for the claims assigned to an annotator
            # (her places are held, so they are not in_queue): her next one is among the
            # first few however many she was given.
            models.Index(
                F("project"),
                IsNull(F("score"), True),
                F("score").desc(),
                F("document"),
                F("start"),
                F("id"),
                condition=Q(status__in=QUEUE_STATUSES),
                name="claim_open_by_score",
            ),
            models.Index(
                fields=["project", "document", "start", "id"],
                condition=Q(status__in=QUEUE_STATUSES),
                name="claim_open_by_document",
            ),
            # The review queue: disagreements first, then the longest waiting.
            models.Index(
                fields=["project", "status", "-disagreement", "updated_at", "id"],
                name="claim_review_queue",
            ),
            # "Checked before?": every extraction reads the organisation's claims that have a
            # verdict, a small part of all claims.
            models.Index(
                fields=["project"], condition=~Q(final_verdict=""), name="claim_with_verdict"
            ),
            # The claims table's other orders (claim_list.SORTS): recently changed, and
            # document order. Its text and speaker search use trigram indexes that exist
            # only on PostgreSQL (migration 0014).
            models.Index(fields=["project", "updated_at", "id"], name="claim_project_updated"),
            models.Index(
                fields=["project", "document", "start", "id"], name="claim_project_document_order"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    def get_absolute_url(self) -> str:
        """The desk of the claim's document, open at this claim."""
        return f"{reverse('annotations:document-detail', args=[self.document_id])}?claim={self.pk}"

    @property
    def final_verdict_label(self) -> str:
        """The final verdict as its scale names it."""
        label = self.project.rating_scale.label_for(self.final_verdict)
        return label.label if label else self.final_verdict

    def returned_to(self, user, annotation: Annotation | None) -> bool:
        """Whether an editor sent this claim back to the user and she has not submitted
        again (needs with_last_review, and her annotation of it)."""
        return (
            self.status == ClaimStatus.IN_PROGRESS
            and annotation is not None
            and annotation.state == AnnotationState.DRAFT
            and self.last_action == ReviewAction.RETURN
            and self.return_target in (None, user.pk)
        )

    def checked_before(self) -> list[ClaimMatch]:
        """Earlier claims with a verdict that this claim repeats, best match first."""
        return list(
            self.matches.readable_from(self.project)
            .select_related("matched_claim__project", "matched_claim__document")
            .order_by("-score", "id")
        )

    def span_matches_document(self) -> bool:
        return self.document.text[self.start : self.end] == self.text

    def annotations_disagree(self) -> bool:
        """Whether the submitted annotations differ in verdict or stance (one query)."""
        rows = Claim.objects.filter(pk=self.pk).with_disagreement()
        return bool(rows.values_list("annotated_disagreement", flat=True).first())


class Assignment(models.Model):
    """An editor's decision that this person annotates this claim."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["claim_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "user"], name="one_assignment_per_claim_and_user"
            ),
        ]
        indexes = [
            # An annotator's assigned claims (the desk queue, the load counts of fair distribution).
            models.Index(fields=["user", "claim"], name="assignment_user_claim"),
        ]

    def __str__(self) -> str:
        return f"claim {self.claim_id} to {self.user}"


class Comment(models.Model):
    """One message in a claim's discussion thread, seen by every member of the project."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="comments"
    )
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["claim_id", "created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(body=""), name="comment_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.author} on claim {self.claim_id}"


class ClaimMatchQuerySet(models.QuerySet):
    def readable_from(self, project: Project) -> ClaimMatchQuerySet:
        """Matches whose earlier claim the project's members may read: the project's own and
        its organisation's. Matches are stored when found; a project that left the
        organisation since must not keep showing them."""
        return self.filter(matched_claim__project__in=project.organisation_projects())


class ClaimMatch(models.Model):
    """ "Checked before?": an earlier claim with a verdict that says what this claim says.

    Found by text similarity at extraction time (and when a claim gets its verdict) among the claims of the
    same organisation; ``score`` is the similarity in [0, 1], at or above the project's match threshold."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="matches")
    matched_claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="matched_by")
    score = models.FloatField()
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ClaimMatchQuerySet.as_manager()

    class Meta:
        ordering = ["claim_id", "-score", "id"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "matched_claim"], name="one_match_per_pair"),
            models.CheckConstraint(
                condition=~Q(claim=F("matched_claim")), name="claim_does_not_match_itself"
            ),
        ]

    def __str__(self) -> str:
        return f"claim {self.claim_id} matches {self.matched_claim_id} ({self.score:.2f})"


class ClaimStance(models.TextChoices):
    """What the evidence an annotator gathered says of the claim as a whole (AVeriTeC's
    four labels), beside her verdict on the project's scale."""

    SUPPORTED = "supported", "Supported"
    REFUTED = "refuted", "Refuted"
    CONFLICTING = "conflicting", "Conflicting evidence"
    NOT_ENOUGH_EVIDENCE = "not_enough_evidence", "Not enough evidence"


class SourceStance(models.TextChoices):
    """What one cited source says of the claim."""

    SUPPORTS = "supports", "Supports"
    REFUTES = "refutes", "Refutes"
    NEUTRAL = "neutral", "Neutral"


class AnnotationQuerySet(models.QuerySet):
    def with_sources(self) -> AnnotationQuerySet:
        """With their sources, and where the archiving of each stands (its fetch job)."""
        return self.prefetch_related(
            Prefetch("sources", queryset=Source.objects.select_related("fetch_job"))
        )


class AnnotationState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"


class Annotation(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="annotations")
    annotator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="annotations"
    )
    stance = models.CharField(max_length=20, choices=ClaimStance.choices, blank=True)
    verdict = models.CharField(max_length=200, blank=True)
    rationale = models.TextField(blank=True)
    checkworthy = models.BooleanField(null=True, blank=True)
    state = models.CharField(
        max_length=10, choices=AnnotationState.choices, default=AnnotationState.DRAFT
    )
    version = models.PositiveIntegerField(default=1)
    guideline_version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    objects = AnnotationQuerySet.as_manager()

    class Meta:
        ordering = ["claim_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "annotator"], name="one_annotation_per_claim_and_annotator"
            ),
            models.CheckConstraint(
                condition=Q(state=AnnotationState.DRAFT) | Q(submitted_at__isnull=False),
                name="submitted_annotation_has_time",
            ),
        ]
        indexes = [
            # Dashboards and agreement over a period: annotations submitted between two dates.
            models.Index(fields=["submitted_at"], name="annotation_submitted_at"),
            # An annotator's drafts: the first claims of her queue, and those returned to her.
            models.Index(fields=["annotator", "state"], name="annotation_annotator_state"),
        ]

    def __str__(self) -> str:
        return f"{self.annotator} on claim {self.claim_id}"

    @cached_property
    def cited_sources(self) -> list[Source]:
        """Its sources in order: those `with_sources()` read, else read once here. Saving
        the annotation sets them, so the answer and the audit trail need not read them again."""
        return list(self.sources.all())


class Source(models.Model):
    annotation = models.ForeignKey(Annotation, on_delete=models.CASCADE, related_name="sources")
    position = models.PositiveSmallIntegerField(default=0)
    url = models.URLField(max_length=2000)
    title = models.CharField(max_length=500, blank=True)
    publisher = models.CharField(max_length=200, blank=True)
    quote = models.TextField(blank=True)
    stance = models.CharField(
        max_length=10, choices=SourceStance.choices, default=SourceStance.NEUTRAL
    )
    # AVeriTeC-style evidence: the question this source answers, and its answer.
    question = models.TextField(blank=True)
    answer = models.TextField(blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    snapshot_text = models.TextField(blank=True)
    snapshot_sha256 = models.CharField(max_length=64, blank=True)
    # When the page behind the URL was archived; the archiving itself is the source's `fetch_job`.
    fetched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["annotation_id", "position", "id"]

    def __str__(self) -> str:
        return self.url


class ClaimReservation(models.Model):
    """A claim handed to an annotator by her queue, held for her until `expires_at`.

    While it holds, the claim counts towards the project's annotations-per-claim for
    other annotators; once it expires (she walked away) the claim returns to the queue.
    Saving a draft extends it; submitting ends it."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="reservations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reservations"
    )
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "user"], name="one_reservation_per_claim_user"
            ),
        ]

    def __str__(self) -> str:
        return f"claim {self.claim_id} held for {self.user} until {self.expires_at}"


class ClaimSkip(models.Model):
    """An annotator passed on a claim; her queue does not offer it again."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="skips")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["claim", "user"], name="one_skip_per_claim_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user} skipped claim {self.claim_id}"


class GuidelineVersion(models.Model):
    """The project's guidelines as they read from `created_at` on. Annotations record the
    number of the version they were made under."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="guideline_versions"
    )
    number = models.PositiveIntegerField()
    text = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project_id", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "number"], name="unique_guideline_version_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} guidelines v{self.number}"


class ReviewAction(models.TextChoices):
    APPROVE = "approve", "Approve"
    RETURN = "return", "Return to annotator"
    OVERRIDE = "override", "Override"


class Review(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="reviews")
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews"
    )
    action = models.CharField(max_length=10, choices=ReviewAction.choices)
    verdict = models.CharField(max_length=200, blank=True)
    comment = models.TextField(blank=True)
    # The annotation whose verdict an approval adopted, when there was a choice.
    annotation = models.ForeignKey(
        Annotation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["claim_id", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(action=ReviewAction.RETURN) | ~Q(comment=""),
                name="returned_claim_has_comment",
            ),
            models.CheckConstraint(
                condition=~Q(action=ReviewAction.OVERRIDE) | ~Q(verdict=""),
                name="override_has_verdict",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action} by {self.editor} on claim {self.claim_id}"


class Export(models.Model):
    """A dataset file prepared in the background by its `job`. The file is fetched through
    an id-scoped view that checks membership, never by its storage path."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="exports")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    format = models.CharField(max_length=20)
    filters = models.JSONField(default=dict, blank=True)
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(null=True, blank=True)
    row_count = models.PositiveIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    file = models.CharField(max_length=500, blank=True, help_text="name in default storage")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The export page lists a project's recent exports.
            models.Index(fields=["project", "-created_at"], name="export_project_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.format} export {self.pk} of {self.project}"

    @property
    def expires_at(self) -> datetime.datetime | None:
        """When prune_exports will delete it: some days after its job finished."""
        if self.job.finished_at is None:
            return None
        return self.job.finished_at + datetime.timedelta(days=settings.EXPORT_RETENTION_DAYS)


@receiver(post_delete, sender=Export)
def delete_export_file(sender, instance: Export, **kwargs) -> None:
    """An export's file goes with its row, however the row goes (pruned, or with its
    project); only once the deletion is committed, so a rollback keeps both."""
    if instance.file:
        name = instance.file
        transaction.on_commit(lambda: default_storage.delete(name))


class AuditEvent(models.Model):
    """One write, as it happened. Rows are only ever added: the app offers no way to
    change or delete them."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    object_type = models.CharField(max_length=30)
    object_id = models.BigIntegerField()
    action = models.CharField(max_length=30)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            # A claim's history timeline.
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.object_type} {self.object_id}"


class DashboardSnapshot(models.Model):
    """A project's dashboard figures as last computed.

    Counting 300,000 annotations takes longer than a page may; the page reads this row,
    and a job (kind `dashboard`) recomputes it when it is older than a few minutes."""

    project = models.OneToOneField(
        Project, on_delete=models.CASCADE, related_name="dashboard_snapshot"
    )
    figures = models.JSONField(default=dict)
    computed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"dashboard of {self.project} at {self.computed_at}"


class JobState(models.TextChoices):
    """Where a piece of background work stands. The one status set of extraction, source
    archiving, exports, dashboard refreshes and matching."""

    QUEUED = "queued", "Waiting for a worker"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class JobKind(models.TextChoices):
    EXTRACT = "extract", "Claim extraction"
    FETCH = "fetch", "Source archiving"
    EXPORT = "export", "Export"
    DASHBOARD = "dashboard", "Dashboard refresh"
    MATCH = "match", "Checked-before matching"


class JobQuerySet(models.QuerySet):
    def unfinished(self) -> JobQuerySet:
        return self.filter(state__in=(JobState.QUEUED, JobState.RUNNING))

    def lease_expired(self, now: datetime.datetime) -> JobQuerySet:
        """Running jobs whose worker stopped renewing its lease: it died or lost the database."""
        return self.filter(state=JobState.RUNNING, lease_expires_at__lt=now)


class Job(models.Model):
    """One piece of background work, written in the same transaction as the data it is
    about, so that no commit can leave work unrecorded (the row is its own outbox).

    queued -> running (a worker holds a lease, renewed by its heartbeat) -> done | failed.
    A running job whose lease expired goes back to queued, or to failed once it has been
    attempted `JOB_MAX_ATTEMPTS` times; a failed or done job can be queued again by hand.
    `attempts` doubles as the fencing token: a worker only records an outcome while the
    row still carries the attempt it claimed."""

    kind = models.CharField(max_length=10, choices=JobKind.choices)
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="jobs")
    # What the job works on, by kind (a dashboard refresh works on the project itself).
    document = models.OneToOneField(
        Document, null=True, blank=True, on_delete=models.CASCADE, related_name="extraction_job"
    )
    source = models.OneToOneField(
        Source, null=True, blank=True, on_delete=models.CASCADE, related_name="fetch_job"
    )
    export = models.OneToOneField(
        Export, null=True, blank=True, on_delete=models.CASCADE, related_name="job"
    )
    claim = models.OneToOneField(
        Claim, null=True, blank=True, on_delete=models.CASCADE, related_name="match_job"
    )
    state = models.CharField(max_length=10, choices=JobState.choices, default=JobState.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    worker = models.CharField(max_length=200, blank=True, help_text="host:pid holding the lease")
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=JobKind.EXTRACT, document__isnull=False)
                | Q(kind=JobKind.FETCH, source__isnull=False)
                | Q(kind=JobKind.EXPORT, export__isnull=False)
                | Q(kind=JobKind.MATCH, claim__isnull=False)
                | Q(kind=JobKind.DASHBOARD),
                name="job_has_its_subject",
            ),
            models.CheckConstraint(
                condition=~Q(state=JobState.RUNNING) | Q(lease_expires_at__isnull=False),
                name="running_job_has_lease",
            ),
            models.UniqueConstraint(
                fields=["project"],
                condition=Q(kind=JobKind.DASHBOARD),
                name="one_dashboard_job_per_project",
            ),
        ]
        indexes = [
            # Workers claim the oldest queued jobs of a kind, a batch at a time.
            models.Index(
                fields=["kind", "id"], condition=Q(state=JobState.QUEUED), name="job_queued"
            ),
            # The sweeper looks for running jobs whose lease expired.
            models.Index(
                fields=["lease_expires_at"],
                condition=Q(state=JobState.RUNNING),
                name="job_running_lease",
            ),
            # A project's progress: jobs counted by kind and state.
            models.Index(fields=["project", "kind", "state"], name="job_project_progress"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} job {self.pk} ({self.state})"

    @property
    def is_finished(self) -> bool:
        return self.state in (JobState.DONE, JobState.FAILED)

    @property
    def is_held(self) -> bool:
        """Running, by a worker that still renews its lease."""
        return self.state == JobState.RUNNING and self.lease_expires_at > timezone.now()
