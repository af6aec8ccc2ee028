from __future__ import annotations

from django import forms
from django.conf import settings

from .errors import InvalidInput
from .models import ClaimStatus, Project, Review, Role, Source, Stance
from .projects import check_export_settings


class ProjectForm(forms.ModelForm):
    organisation_url = forms.URLField(required=False, assume_scheme="https")

    class Meta:
        model = Project
        fields = [
            "name",
            "description",
            "guidelines",
            "rating_scale",
            "annotations_per_claim",
            "checkworthiness_threshold",
            "scorer",
            "queue_order",
            "organisation_name",
            "organisation_url",
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
    url = forms.URLField(max_length=2000, required=False, label="URL", assume_scheme="https")
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
        if not data.get("file") and not (data.get("text") or "").strip():
            raise forms.ValidationError("Paste a text or choose a file.")
        return data


def verdict_choices(project: Project) -> list[tuple[str, str]]:
    return [("", "—")] + [(label.key, label.label) for label in project.rating_scale.labels.all()]


class AnnotationForm(forms.Form):
    stance = forms.ChoiceField(choices=[("", "—")] + Stance.choices, required=False)
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
    url = forms.URLField(max_length=2000, label="URL", assume_scheme="https")
    title = forms.CharField(max_length=500, required=False)
    quote = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    stance = forms.ChoiceField(choices=Source.Stance.choices, initial=Source.Stance.NEUTRAL)


SourceFormSet = forms.formset_factory(SourceForm, extra=0, can_delete=True)


class ReviewForm(forms.Form):
    action = forms.ChoiceField(choices=Review.Action.choices)
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
        from .exports import FORMATS

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
        from .exports.filters import ExportFilters

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
