"""Template tags shared by every page."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from ..web_addresses import is_web_address

register = template.Library()

# The project's pages in the top bar: URL name, label (None: the project's name), and who
# sees the link ("member", "review" for editors and admins, "admin").
PROJECT_PAGES = [
    ("project-detail", None, "member"),
    ("review-queue", "Review", "review"),
    ("assignments", "Assignments", "review"),
    ("dashboard", "Dashboard", "review"),
    ("agreement", "Agreement", "review"),
    ("export", "Export", "review"),
    ("members", "Members", "review"),
    ("project-settings", "Settings", "admin"),
    ("rating-scale", "Rating scale", "admin"),
]


@register.inclusion_tag("annotations/_project_nav.html", takes_context=True)
def project_nav(context: template.Context) -> dict[str, Any]:
    """The links of the project's pages this member may open, the current one marked."""
    project, membership = context.get("project"), context.get("membership")
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    here = match.url_name if match else ""
    allowed = {
        "member": membership is not None,
        "review": membership is not None and membership.can_review,
        "admin": membership is not None and membership.can_administer,
    }
    links = [
        {
            "url": reverse(f"annotations:{name}", args=[project.slug]),
            "label": label or project.name,
            "current": name == here,
        }
        for name, label, who in PROJECT_PAGES
        if allowed[who]
    ]
    return {"links": links}


@register.filter
def get_item(mapping: dict | None, key: Any) -> Any:
    """`mapping[key]`, or None: a template's way to look up a dictionary by a variable."""
    return mapping.get(key) if mapping else None


@register.filter
def web_address(value: str) -> str:
    """The address when it may be a link (http or https), else "": a value stored before
    the rule, or by hand, never becomes a `javascript:` link."""
    return value if value and is_web_address(value) else ""
