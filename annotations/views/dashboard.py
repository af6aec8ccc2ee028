from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_POST

from .. import access
from ..agreement import parse_period, project_agreement
from ..charts import dashboard_charts
from ..dashboard import current_snapshot, refresh_job
from ..errors import InvalidInput
from ..forms import PeriodForm
from ..review import returned_claims


@login_required
@require_GET
def project_dashboard(request: HttpRequest, slug: str) -> TemplateResponse:
    project, membership = access.get_project_for_user(request.user, slug, review=True)
    snapshot = current_snapshot(project)
    return TemplateResponse(
        request,
        "annotations/dashboard.html",
        {
            "project": project,
            "membership": membership,
            "snapshot": snapshot,
            "refresh": refresh_job(project),
            "data": snapshot.figures,
            "charts": dashboard_charts(snapshot.figures),
        },
    )


@login_required
@require_POST
def dashboard_refresh(request: HttpRequest, slug: str) -> HttpResponse:
    project, _ = access.get_project_for_user(request.user, slug, review=True)
    current_snapshot(project, refresh=True)
    messages.info(request, "The figures are being recomputed.")
    return redirect("annotations:dashboard", slug=project.slug)


@login_required
@require_GET
def agreement_page(request: HttpRequest, slug: str) -> TemplateResponse:
    project, membership = access.get_project_for_user(request.user, slug, review=True)
    form = PeriodForm(request.GET or None)
    result, error = None, None
    try:
        period = parse_period(request.GET.get("since"), request.GET.get("until"))
    except InvalidInput as exc:
        error = str(exc)
    else:
        result = project_agreement(project, period)
    return TemplateResponse(
        request,
        "annotations/agreement.html",
        {
            "project": project,
            "membership": membership,
            "form": form,
            "result": result,
            "error": error,
        },
        status=400 if error else 200,
    )


@login_required
@require_GET
def returned_to_me(request: HttpRequest, slug: str) -> TemplateResponse:
    project, membership = access.get_project_for_user(request.user, slug)
    return TemplateResponse(
        request,
        "annotations/returned.html",
        {
            "project": project,
            "membership": membership,
            "returned": returned_claims(project, request.user),
        },
    )
