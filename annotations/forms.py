from __future__ import annotations

from django import forms
from django.conf import settings
from django.db.models import Q

from .claim_list import SORTS, ClaimFilters
from .errors import InvalidInput
from .exports import FORMATS
from .exports.filters import ExportFilters
from .extraction.claim_types import CLAIM_TYPES
from .models import (
    AveritecLabel,
    ClaimStance,
    ClaimStatus,
    FeverLabel,
    Project,
    RatingScale,
    ReviewAction,
    Role,
    SourceStance,
)
from .projects import SETTING_RANGES, check_export_settings, range_message
from .web_addresses import validate_web_address


class WebAddressField(forms.URLField):
    """A URL field that holds to the workbench's one rule: http and https only."""

    default_validators = [validate_web_address]


class ProjectForm(forms.ModelForm):
    """A project's settings, each explained where it is set."""

    annotations_per_claim = forms.IntegerField(
        min_value=SETTING_RANGES["annotations_per_claim"][0],
        max_value=SETTING_RANGES["annotations_per_claim"][1],
        help_text="How many annotators must submit an annotation before a claim goes to "
        "review ({} to {}). More than one lets you measure agreement.".format(
            *SETTING_RANGES["annotations_per_claim"]
        ),
        error_messages={
            "min_value": "Annotations per claim must be at least %(limit_value)s.",
            "max_value": "Annotations per claim can be at most %(limit_value)s.",
        },
    )
    checkworthiness_threshold = forms.FloatField(
        min_value=SETTING_RANGES["checkworthiness_threshold"][0],
        max_value=SETTING_RANGES["checkworthiness_threshold"][1],
        label="Check-worthiness threshold",
        help_text="Sentences scored at or above it ({} to {}) become claims. Lower finds more "
        "claims, higher fewer; documents added from now on use it.".format(
            *SETTING_RANGES["checkworthiness_threshold"]
        ),
        error_messages={
            "min_value": "The threshold {}".format(range_message("checkworthiness_threshold")),
            "max_value": "The threshold {}".format(range_message("checkworthiness_threshold")),
        },
    )
    match_threshold = forms.FloatField(
        min_value=SETTING_RANGES["match_threshold"][0],
        max_value=SETTING_RANGES["match_threshold"][1],
        label="“Checked before?” threshold",
        help_text="How similar ({} to {}) an earlier checked claim must be to be shown beside a "
        "new one.".format(*SETTING_RANGES["match_threshold"]),
        error_messages={
            "min_value": "The threshold {}".format(range_message("match_threshold")),
            "max_value": "The threshold {}".format(range_message("match_threshold")),
        },
    )
    rating_scale = forms.ModelChoiceField(
        queryset=RatingScale.objects.none(),
        help_text="The verdicts annotators choose from. Switching scale when claims already "
        "have verdicts asks what each verdict becomes; edit labels on the Rating scale page.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The shared presets, and the project's own scale if it has one.
        own = Q(pk=self.instance.rating_scale_id) if self.instance.rating_scale_id else Q()
        field = self.fields["rating_scale"]
        field.queryset = RatingScale.objects.filter(Q(custom=False) | own).order_by(
            "custom", "name"
        )
        field.label_from_instance = lambda scale: (
            f"{scale.name} (this project's own, version {scale.version})"
            if scale.custom
            else scale.name
        )

    class Meta:
        model = Project
        fields = [
            "name",
            "description",
            "guidelines",
            "rating_scale",
            "annotations_per_claim",
            "checkworthiness_threshold",
            "match_threshold",
            "scorer",
            "queue_order",
            "location_iso_code",
            "averitec_vocabulary",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "guidelines": forms.Textarea(attrs={"rows": 8}),
            "averitec_vocabulary": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {
            "location_iso_code": "Country of the claims (ISO code, for AVeriTeC)",
            "averitec_vocabulary": "AVeriTeC vocabulary (your entries over the default mapping)",
        }
        help_texts = {
            "name": "Shown in the top bar and the list of projects.",
            "description": "Shown under the project's name.",
            "guidelines": "Markdown. Annotators open them on the desk with g; every change "
            "is kept as a new numbered version, and each annotation records the version it "
            "was made under.",
            "scorer": "How sentences are scored for check-worthiness.",
            "queue_order": "The order in which “Annotate the next claim” hands out claims.",
            "location_iso_code": "Written into AVeriTeC exports (e.g. GB) for claims that do "
            "not name their own country.",
            "averitec_vocabulary": "JSON: our claim types and source kinds as AVeriTeC names "
            "them, where you differ from the default mapping. Leave {} for the default.",
        }

    def clean(self) -> dict:
        cleaned = super().clean()
        try:
            check_export_settings(
                {
                    name: cleaned[name]
                    for name in ("location_iso_code", "averitec_vocabulary")
                    if cleaned.get(name) is not None
                }
            )
        except InvalidInput as exc:
            self.add_error(exc.field, exc.message)
        return cleaned


class NewProjectForm(forms.Form):
    name = forms.CharField(max_length=200)


class DocumentForm(forms.Form):
    title = forms.CharField(max_length=500, required=False)
    url = WebAddressField(
        max_length=2000,
        required=False,
        label="URL",
        assume_scheme="https",
    )
    text = forms.CharField(
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8, "placeholder": "Paste the article or transcript"}),
    )
    file = forms.FileField(
        required=False,
        help_text=".txt, .md, .html, .jsonl or .csv, up to "
        f"{settings.MAX_UPLOAD_BYTES // (1024 * 1024)} MB",
    )

    def clean(self):
        data = super().clean()
        # A file that was chosen but refused (empty, say) has its own message already.
        chosen = data.get("file") or "file" in self.errors
        if not chosen and not (data.get("text") or "").strip():
            raise forms.ValidationError("Paste a text or choose a file.")
        return data


def verdict_choices(project: Project) -> list[tuple[str, str]]:
    return [("", "—")] + [(label.key, label.label) for label in project.rating_scale.labels.all()]


class AnnotationForm(forms.Form):
    stance = forms.ChoiceField(choices=[("", "—")] + ClaimStance.choices, required=False)
    verdict = forms.CharField(required=False, max_length=200)
    rationale = forms.CharField(
        required=False, strip=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    checkworthy = forms.NullBooleanField(
        required=False,
        label="Check-worthy?",
        widget=forms.Select(choices=[("unknown", "—"), ("true", "Yes"), ("false", "No")]),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        if not project.rating_scale.free_text:
            self.fields["verdict"] = forms.ChoiceField(
                choices=verdict_choices(project), required=False
            )


class SourceForm(forms.Form):
    url = WebAddressField(max_length=2000, label="URL", assume_scheme="https")
    title = forms.CharField(max_length=500, required=False)
    quote = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    stance = forms.ChoiceField(choices=SourceStance.choices, initial=SourceStance.NEUTRAL)


SourceFormSet = forms.formset_factory(SourceForm, extra=0, can_delete=True)


class ReviewForm(forms.Form):
    action = forms.ChoiceField(choices=ReviewAction.choices)
    verdict = forms.CharField(required=False, max_length=200)
    comment = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    annotation = forms.IntegerField(required=False)
    version = forms.IntegerField(required=False)
    lock = forms.BooleanField(required=False)


class InviteForm(forms.Form):
    username = forms.CharField(max_length=150)
    role = forms.ChoiceField(choices=Role.choices, initial=Role.ANNOTATOR)


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class AssignForm(forms.Form):
    """Assign either a list of claim ids or a whole document to one member."""

    user = forms.ChoiceField(label="Annotator")
    claims = forms.CharField(
        required=False, label="Claim numbers", help_text="Separated by commas or spaces"
    )
    document = forms.ChoiceField(required=False)

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        members = sorted(
            project.memberships.select_related("user"),
            key=lambda m: (m.role != Role.ANNOTATOR, m.user.username),
        )
        self.fields["user"].choices = [
            (m.user.username, f"{m.user.username} ({m.get_role_display().lower()})")
            for m in members
        ]
        self.fields["document"].choices = [("", "—")] + [
            (str(pk), title) for pk, title in project.documents.values_list("pk", "title")
        ]

    def clean_claims(self) -> list[int]:
        text = self.cleaned_data["claims"].replace(",", " ")
        try:
            return [int(part) for part in text.split()]
        except ValueError:
            raise forms.ValidationError("Claim numbers must be whole numbers.") from None

    def clean(self):
        data = super().clean()
        if not data.get("claims") and not data.get("document"):
            raise forms.ValidationError("Give claim numbers or choose a document.")
        return data


class CommentForm(forms.Form):
    body = forms.CharField(label="Comment", widget=forms.Textarea(attrs={"rows": 3}))


class ReopenForm(forms.Form):
    reason = forms.CharField(label="Why reopen?", widget=forms.Textarea(attrs={"rows": 2}))


class PeriodForm(forms.Form):
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))


class ExportForm(forms.Form):
    """A format and the filters; the same filters as the API and the CLI."""

    format = forms.ChoiceField(choices=[])
    status = forms.MultipleChoiceField(
        choices=ClaimStatus.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    verdict = forms.MultipleChoiceField(
        choices=[], required=False, widget=forms.CheckboxSelectMultiple
    )
    document = forms.IntegerField(required=False, min_value=1, label="Document id")
    date_from = forms.DateField(
        required=False, label="Claim date from", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label="Claim date to", widget=forms.DateInput(attrs={"type": "date"})
    )
    annotator = forms.ChoiceField(choices=[], required=False)

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["format"].choices = [(name, f.label) for name, f in FORMATS.items()]
        self.fields["verdict"].choices = verdict_choices(project)[1:]
        self.fields["annotator"].choices = [("", "Anyone")] + [
            (username, username)
            for username in project.memberships.order_by("user__username").values_list(
                "user__username", flat=True
            )
        ]

    def clean(self):
        data = super().clean()
        if not self.errors:
            try:
                self.filters()
            except InvalidInput as exc:
                raise forms.ValidationError(str(exc)) from None
        return data

    def filters(self):
        """The cleaned filters; call after is_valid()."""
        data = self.cleaned_data
        return ExportFilters.from_params(
            {
                "status": data["status"],
                "verdict": data["verdict"],
                "document": data["document"],
                "date_from": data["date_from"].isoformat() if data["date_from"] else None,
                "date_to": data["date_to"].isoformat() if data["date_to"] else None,
                "annotator": data["annotator"],
            }
        )


class ImportForm(forms.Form):
    file = forms.FileField(
        help_text=f"up to {settings.MAX_UPLOAD_BYTES // (1024 * 1024)} MB; "
        "larger files: manage.py import_dataset"
    )
    format = forms.ChoiceField(
        choices=[
            ("jsonl", "JSONL (native export)"),
            ("csv", "CSV (one claim per row)"),
            ("liar", "LIAR TSV"),
            ("claimreview", "ClaimReview JSON-LD"),
        ]
    )
    dry_run = forms.BooleanField(required=False, label="Dry run: check and count, import nothing")
    skip_bad_lines = forms.BooleanField(
        required=False, label="Skip bad lines (otherwise one bad line imports nothing)"
    )


class ClaimFilterForm(forms.Form):
    """The claims table's filters and order, read from the page's query string."""

    q = forms.CharField(
        required=False,
        max_length=200,
        label="Search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Words in the claim"}),
    )
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *ClaimStatus.choices])
    verdict = forms.ChoiceField(required=False, label="Final verdict")
    claim_type = forms.ChoiceField(required=False, label="Claim type")
    speaker = forms.CharField(required=False, max_length=200)
    annotator = forms.ChoiceField(required=False, label="Annotated by")
    min_score = forms.FloatField(
        required=False,
        min_value=0,
        max_value=1,
        label="Score from",
        widget=forms.NumberInput(attrs={"step": "0.05"}),
    )
    max_score = forms.FloatField(
        required=False,
        min_value=0,
        max_value=1,
        label="Score to",
        widget=forms.NumberInput(attrs={"step": "0.05"}),
    )
    document = forms.IntegerField(required=False, min_value=1, label="Document number")
    sort = forms.ChoiceField(required=False, label="Order")
    after = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)
    before = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)

    def __init__(self, *args, project: Project, membership, **kwargs):

        super().__init__(*args, **kwargs)
        self.membership = membership
        self.fields["verdict"].choices = [
            ("", "Any verdict"),
            ("none", "No verdict yet"),
            *verdict_choices(project)[1:],
        ]
        self.fields["claim_type"].choices = [("", "Any type")] + [
            (name, name.capitalize()) for name in CLAIM_TYPES
        ]
        self.fields["sort"].choices = [(name, sort.label) for name, sort in SORTS.items()]
        # Annotation is blind: annotators may narrow the table to their own work only.
        if membership.can_review:
            members = project.memberships.select_related("user").order_by("user__username")
            self.people = {m.user.username: m.user for m in members}
        else:
            self.people = {membership.user.username: membership.user}
        self.fields["annotator"].choices = [("", "Anyone")] + [
            (name, name if membership.can_review else "Me") for name in self.people
        ]

    def clean(self):
        data = super().clean()
        low, high = data.get("min_score"), data.get("max_score")
        if low is not None and high is not None and low > high:
            self.add_error("max_score", "“Score to” must not be below “Score from”.")
        return data

    def filters(self):
        """The filters as cleaned; call after is_valid()."""

        data = self.cleaned_data
        return ClaimFilters(
            q=data["q"].strip(),
            status=data["status"],
            verdict=data["verdict"],
            claim_type=data["claim_type"],
            speaker=data["speaker"].strip(),
            annotator=self.people.get(data["annotator"]) if data["annotator"] else None,
            min_score=data["min_score"],
            max_score=data["max_score"],
            document=data["document"],
        )


class RatingLabelForm(forms.Form):
    """One label of a scale in the editor."""

    key = forms.SlugField(
        max_length=50,
        help_text="Stored with each verdict and written into exports; lower case, no spaces.",
    )
    label = forms.CharField(max_length=100, label="Name")
    description = forms.CharField(required=False)
    ordinal = forms.IntegerField(required=False, min_value=-100, max_value=100, label="Ordinal")
    fever_label = forms.ChoiceField(
        required=False, choices=[("", "—"), *FeverLabel.choices], label="FEVER"
    )
    averitec_label = forms.ChoiceField(
        required=False, choices=[("", "Automatic"), *AveritecLabel.choices],
        label="AVeriTeC",
    )  # fmt: skip
    claimreview_rating = forms.IntegerField(
        required=False, min_value=-100, max_value=100, label="ClaimReview rating"
    )

    def clean_key(self) -> str:
        return self.cleaned_data["key"].lower()


RatingLabelFormSet = forms.formset_factory(
    RatingLabelForm, extra=2, can_delete=True, can_order=True
)


class ScaleForm(forms.Form):
    name = forms.CharField(max_length=100, label="Scale name")


def mapping_from(data) -> dict[str, str]:
    """The verdict mapping a person chose on a page, from its `map-<old key>` fields."""
    return {name[4:]: value for name, value in data.items() if name.startswith("map-") and value}


class AccountForm(forms.Form):
    username = forms.CharField(max_length=150)
    password = forms.CharField(
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="Leave empty to hand over a link with which they choose their own.",
    )
    project = forms.ModelChoiceField(
        queryset=Project.objects.order_by("name"), required=False, empty_label="No project yet"
    )
    role = forms.ChoiceField(choices=Role.choices, initial=Role.ANNOTATOR)


class InvitationForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices, initial=Role.ANNOTATOR)
    note = forms.CharField(
        required=False, max_length=200, label="For whom", help_text="A reminder, for this list."
    )


class SiteInvitationForm(InvitationForm):
    project = forms.ModelChoiceField(
        queryset=Project.objects.order_by("name"), required=False, empty_label="No project yet"
    )

    field_order = ["project", "role", "note"]


class AcceptInvitationForm(forms.Form):
    username = forms.CharField(
        max_length=150, widget=forms.TextInput(attrs={"autocomplete": "username"})
    )
    password = forms.CharField(
        strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password_again = forms.CharField(
        strip=False,
        label="Password, again",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", "The two passwords differ.")
        return data


class OrganisationForm(forms.Form):
    # Checked by create_organisation and update_organisation, whose messages name the field.
    name = forms.CharField(max_length=200)
    url = forms.CharField(
        max_length=200,
        required=False,
        label="Web address",
        help_text="Written into its projects' ClaimReview exports as the publisher's address.",
    )


class OrganisationAdminForm(forms.Form):
    username = forms.CharField(max_length=150)


class OrganisationProjectForm(forms.Form):
    """A project the user administers that belongs to no organisation yet."""

    project = forms.ChoiceField()

    def __init__(self, *args, projects=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].choices = [(p.slug, p.name) for p in projects]
