"""The rating-scale editor: a project's labels with their keys, names, ordinal values and
mappings to the formats' labels, versioned; verdicts already given are mapped, never lost."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from .. import access
from ..errors import InvalidInput
from ..forms import RatingLabelFormSet, ScaleForm, mapping_from
from ..scales import LABEL_FIELDS, NeedsMapping, save_scale


@login_required
def rating_scale(request: HttpRequest, slug: str) -> HttpResponse:
    project, membership = access.get_project_for_user(request.user, slug, admin=True)
    scale = project.rating_scale
    form = ScaleForm(request.POST or None, initial={"name": scale.name})
    labels = RatingLabelFormSet(
        request.POST or None,
        prefix="labels",
        initial=[
            {"ORDER": n, **{name: getattr(label, name) for name in LABEL_FIELDS}}
            for n, label in enumerate(scale.labels.all(), start=1)
        ],
    )
    missing: dict[str, int] = {}
    if request.method == "POST" and form.is_valid() and labels.is_valid():
        try:
            save_scale(
                project,
                request.user,
                name=form.cleaned_data["name"],
                labels=submitted_labels(labels),
                mapping=mapping_from(request.POST),
            )
        except NeedsMapping as exc:
            missing = exc.missing
        except InvalidInput as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Rating scale saved as a new version.")
            return redirect("annotations:rating-scale", slug=project.slug)
    invalid = bool(form.errors or labels.total_error_count() or missing)
    return TemplateResponse(
        request,
        "annotations/rating_scale.html",
        {
            "project": project,
            "membership": membership,
            "scale": scale,
            "form": form,
            "labels": labels,
            "missing": missing,
            "new_labels": submitted_labels(labels) if missing else [],
            "chosen": mapping_from(request.POST),
            "versions": scale.versions.select_related("created_by")[:10] if scale.custom else [],
        },
        status=400 if invalid else 200,
    )


def submitted_labels(labels: RatingLabelFormSet) -> list[dict[str, Any]]:
    """The labels as submitted, in the order given, without those marked for removal."""
    return [
        {name: value for name, value in form.cleaned_data.items() if name in LABEL_FIELDS}
        for form in labels.ordered_forms
    ]
