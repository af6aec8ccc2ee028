from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST

from .. import access
from ..claims import extract_again
from ..errors import Busy, InvalidInput, TooLarge
from ..forms import (
    DocumentForm,
)
from ..ingest import DocumentInput, create_document, create_documents, parse_file


@login_required
@require_POST
def document_create(request: HttpRequest, slug: str) -> HttpResponse:
    project, _ = access.get_project_for_user(request.user, slug)
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        for error in form.errors.values():
            messages.error(request, " ".join(error))
        return redirect("annotations:project-detail", slug=slug)
    data = form.cleaned_data
    try:
        if data["file"]:
            documents = create_documents(
                project, request.user, parse_file(data["file"].name, data["file"].read())
            )
        else:
            doc = DocumentInput(title=data["title"], text=data["text"], url=data["url"])
            documents = [create_document(project, request.user, doc)]
    except TooLarge as exc:
        messages.error(request, str(exc))
        return TemplateResponse(
            request, "annotations/error.html", {"message": str(exc), "project": project}, status=413
        )
    except InvalidInput as exc:
        messages.error(request, str(exc))
        return redirect("annotations:project-detail", slug=slug)
    if len(documents) == 1:
        return redirect("annotations:document-detail", pk=documents[0].pk)
    messages.success(
        request, f"{len(documents)} documents added; their claims are being extracted."
    )
    return redirect("annotations:project-detail", slug=slug)


@login_required
@require_POST
def document_extract_again(request: HttpRequest, pk: int) -> HttpResponse:
    document, membership = access.get_document_for_user(request.user, pk)
    access.check_role(membership, review=True)
    try:
        extract_again(document, request.user)
    except Busy as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "The claims are being extracted again.")
    return redirect("annotations:document-detail", pk=document.pk)
