from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..annotating import annotation_state
from ..models import (
    Annotation,
    Claim,
    ClaimMatch,
    ClaimStance,
    Document,
    JobState,
    Project,
    RatingLabel,
    RatingScale,
    Review,
    ReviewAction,
    Source,
)
from ..projects import SETTING_RANGES
from ..web_addresses import MAX_LENGTH, validate_web_address


def web_address_field(max_length: int = MAX_LENGTH, **kwargs) -> serializers.CharField:
    """A URL the workbench's one rule allows: http and https only."""
    return serializers.CharField(max_length=max_length, validators=[validate_web_address], **kwargs)


def setting_limits() -> dict[str, dict]:
    """The ranges of the numeric settings, as the serializer's field limits."""
    return {
        name: {"min_value": low, "max_value": high} for name, (low, high) in SETTING_RANGES.items()
    }


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not know, instead of silently dropping them."""

    def to_internal_value(self, data):
        if hasattr(data, "keys"):
            unknown = set(data.keys()) - set(self.fields)
            if unknown:
                raise serializers.ValidationError(
                    {name: ["Unknown field."] for name in sorted(unknown)}
                )
        return super().to_internal_value(data)


class StrictModelSerializer(StrictSerializer, serializers.ModelSerializer):
    pass


class RatingLabelSerializer(serializers.ModelSerializer):
    class Meta:
        model = RatingLabel
        fields = [
            "key",
            "label",
            "description",
            "colour",
            "ordinal",
            "fever_label",
            "averitec_label",
            "claimreview_rating",
        ]


class ProjectSerializer(StrictModelSerializer):
    # The shared presets; a project's own scale is edited on its rating-scale page.
    rating_scale = serializers.SlugRelatedField(
        slug_field="key", queryset=RatingScale.objects.filter(custom=False), required=False
    )
    labels = RatingLabelSerializer(source="rating_scale.labels", many=True, read_only=True)
    free_text_verdicts = serializers.BooleanField(source="rating_scale.free_text", read_only=True)
    slug = serializers.SlugField(required=False)
    # Joined and left on the organisation's own endpoints, by its admins.
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta:
        model = Project
        fields = [
            "slug",
            "name",
            "description",
            "guidelines",
            "rating_scale",
            "labels",
            "free_text_verdicts",
            "annotations_per_claim",
            "checkworthiness_threshold",
            "match_threshold",
            "scorer",
            "queue_order",
            "organisation",
            "location_iso_code",
            "averitec_vocabulary",
            "created_at",
        ]
        read_only_fields = ["created_at"]
        # Uniqueness is checked by create_project, with a message naming the slug.
        extra_kwargs = {"slug": {"validators": []}, **setting_limits()}


class DocumentSerializer(serializers.ModelSerializer):
    project = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    # Where the extraction of its claims stands (its extraction job).
    extraction_status = serializers.ChoiceField(
        source="extraction_job.state", choices=JobState.choices, read_only=True
    )
    extraction_error = serializers.CharField(source="extraction_job.error", read_only=True)
    extraction_attempts = serializers.IntegerField(source="extraction_job.attempts", read_only=True)
    # Blank when the article came without one: a string, not a "uri" that "" would break.
    url = serializers.CharField(read_only=True)

    class Meta:
        model = Document
        fields = [
            "id",
            "project",
            "title",
            "url",
            "publisher",
            "byline",
            "published_at",
            "language",
            "text",
            "content_hash",
            "extraction_status",
            "extraction_error",
            "extraction_attempts",
            "extractor_version",
            "created_at",
        ]
        read_only_fields = fields


class DocumentInputSerializer(StrictSerializer):
    title = serializers.CharField(max_length=500, required=False, allow_blank=True)
    text = serializers.CharField(trim_whitespace=False)
    url = web_address_field(required=False, allow_blank=True)
    publisher = serializers.CharField(max_length=200, required=False, allow_blank=True)
    byline = serializers.CharField(max_length=300, required=False, allow_blank=True)
    published_at = serializers.DateTimeField(required=False, allow_null=True)
    language = serializers.CharField(max_length=10, required=False, default="en")


class DocumentUploadSerializer(StrictSerializer):
    file = serializers.FileField()


class ClaimSerializer(serializers.ModelSerializer):
    class Meta:
        model = Claim
        fields = [
            "id",
            "public_id",
            "document",
            "text",
            "start",
            "end",
            "speaker",
            "score",
            "scorer_version",
            "claim_types",
            "origin",
            "status",
            "final_verdict",
            "final_rationale",
            "review_comment",
            "rejection_reason",
            "location_iso_code",
            "merged_into",
            "locked",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ClaimUpdateSerializer(StrictSerializer):
    text = serializers.CharField(required=False, trim_whitespace=False)
    start = serializers.IntegerField(required=False, min_value=0)
    end = serializers.IntegerField(required=False, min_value=1)
    speaker = serializers.CharField(required=False, allow_blank=True, max_length=200)
    claim_types = serializers.ListField(child=serializers.CharField(), required=False)
    location_iso_code = serializers.RegexField(
        r"^(?:[A-Z]{2})?$", required=False, allow_blank=True, max_length=2
    )
    version = serializers.IntegerField()


# A source as an annotation sends it, for the schema: the values are checked where the
# page's are, by save_annotation (annotating.clean_sources).
class SourceSerializer(StrictModelSerializer):
    url = web_address_field()

    class Meta:
        model = Source
        fields = ["url", "title", "publisher", "quote", "stance", "question", "answer"]


@extend_schema_field(SourceSerializer(many=True))
class SourcesField(serializers.JSONField):
    """The sources as sent, for save_annotation to check."""


class SourceOutputSerializer(serializers.ModelSerializer):
    # Where the archiving of the page stands; null for a source that is not archived here
    # (imported with its annotation).
    fetch_status = serializers.ChoiceField(
        source="fetch_job.state", choices=JobState.choices, default=None, read_only=True
    )
    fetch_error = serializers.CharField(source="fetch_job.error", default="", read_only=True)

    class Meta:
        model = Source
        fields = [
            "id",
            "position",
            "url",
            "title",
            "publisher",
            "quote",
            "stance",
            "question",
            "answer",
            "published_at",
            "snapshot_sha256",
            "fetched_at",
            "fetch_status",
            "fetch_error",
        ]


class AnnotationSerializer(serializers.ModelSerializer):
    annotator = serializers.SlugRelatedField(slug_field="username", read_only=True)
    sources = SourceOutputSerializer(many=True, read_only=True)
    # The claim's status once this annotation is saved (a draft starts it, the last
    # submission moves it to review): the desk shows it without asking again.
    claim_status = serializers.CharField(source="claim.status", read_only=True)
    # Blank while a draft has none yet.
    stance = serializers.ChoiceField(choices=ClaimStance.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Annotation
        fields = [
            "id",
            "claim",
            "claim_status",
            "annotator",
            "stance",
            "verdict",
            "rationale",
            "checkworthy",
            "state",
            "version",
            "guideline_version",
            "sources",
            "created_at",
            "updated_at",
            "submitted_at",
        ]
        read_only_fields = fields

    def to_representation(self, annotation: Annotation) -> dict:
        # The shape the desk page and the 409 reply give too; the fields above describe it.
        state = annotation_state(annotation)
        return {name: state[name] for name in self.Meta.fields}


class AnnotationInputSerializer(StrictSerializer):
    # Choices are checked by save_annotation, whose messages list the allowed keys.
    stance = serializers.CharField(required=False, allow_blank=True, default="")
    verdict = serializers.CharField(required=False, allow_blank=True, default="")
    rationale = serializers.CharField(
        required=False, allow_blank=True, default="", trim_whitespace=False
    )
    checkworthy = serializers.BooleanField(required=False, allow_null=True, default=None)
    sources = SourcesField(required=False, default=list)
    submit = serializers.BooleanField(required=False, default=False)
    version = serializers.IntegerField(required=False, allow_null=True, default=None)


STANCE_HELP = ", ".join(ClaimStance.values)


class ReviewInputSerializer(StrictSerializer):
    action = serializers.ChoiceField(choices=ReviewAction.choices)
    verdict = serializers.CharField(required=False, allow_blank=True, default="")
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    annotation = serializers.IntegerField(required=False, allow_null=True, default=None)
    version = serializers.IntegerField(required=False, allow_null=True, default=None)
    lock = serializers.BooleanField(required=False, default=False)


class ReviewSerializer(serializers.ModelSerializer):
    editor = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Review
        fields = [
            "id",
            "claim",
            "editor",
            "action",
            "verdict",
            "comment",
            "annotation",
            "created_at",
        ]
        read_only_fields = fields


class ClaimMatchSerializer(serializers.ModelSerializer):
    """An earlier claim with a verdict that the claim repeats ("checked before?")."""

    claim = serializers.IntegerField(source="matched_claim.id", read_only=True)
    text = serializers.CharField(source="matched_claim.text", read_only=True)
    final_verdict = serializers.CharField(source="matched_claim.final_verdict", read_only=True)
    origin = serializers.CharField(source="matched_claim.origin", read_only=True)
    project = serializers.SlugRelatedField(
        source="matched_claim.project", slug_field="slug", read_only=True
    )
    document_title = serializers.CharField(source="matched_claim.document.title", read_only=True)
    document_url = serializers.CharField(source="matched_claim.document.url", read_only=True)

    class Meta:
        model = ClaimMatch
        fields = [
            "claim",
            "text",
            "final_verdict",
            "origin",
            "project",
            "document_title",
            "document_url",
            "score",
            "created_at",
        ]
        read_only_fields = fields
