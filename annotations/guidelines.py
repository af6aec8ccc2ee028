"""A project's annotation guidelines: their numbered versions, and rendering them safely."""

from __future__ import annotations

import markdown
import nh3
from django.db.models import Max, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from .audit import record_event
from .models import GuidelineVersion, Project

# The Markdown a guideline needs: emphasis, lists, links, tables, headings, code.
ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h1", "h2",
    "h3", "h4", "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "strong", "sub", "sup",
    "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip


def render_guidelines(text: str) -> str:
    """The Markdown as HTML with anything that could run script removed."""
    html = markdown.markdown(text or "", extensions=["tables", "sane_lists"])
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}, "abbr": {"title"}, "td": {"align"}, "th": {"align"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


def current_guideline_version(project: Project) -> int:
    """The number of the project's guidelines as they read now (1 before any edit)."""
    number = project.guideline_versions.aggregate(n=Max("number"))["n"]
    return number or 1


def current_guideline_number() -> Coalesce:
    """current_guideline_version as an expression over the `project` of the outer query's
    rows, so a write can read it along with the row it locks."""
    latest = GuidelineVersion.objects.filter(project=OuterRef("project")).order_by("-number")
    return Coalesce(Subquery(latest.values("number")[:1]), Value(1))


def record_guideline_version(
    project: Project, user, previous_text: str | None = None
) -> GuidelineVersion:
    """Store the project's current guidelines as a new version. Call inside the transaction
    that changed them; the project row should be locked so two edits get two numbers.

    A project with no recorded version yet was implicitly at version 1: given the text it
    had (`previous_text`), that is recorded as version 1 first."""
    last = project.guideline_versions.aggregate(n=Max("number"))["n"]
    if last is None and previous_text is not None:
        GuidelineVersion.objects.create(project=project, number=1, text=previous_text)
        last = 1
    number = (last or 0) + 1
    version = GuidelineVersion.objects.create(
        project=project, number=number, text=project.guidelines, created_by=user
    )
    record_event(
        user, version, "create", after={"number": number, "length": len(project.guidelines)}
    )
    return version
