import csv
import io
import json

import pytest

from annotations.annotating import save_annotation
from annotations.claims import update_claim
from annotations.ingest import DocumentInput, create_document
from annotations.models import AuditEvent, Comment
from annotations.projects import create_project, update_project

from .support.factories import UserFactory
from .support.reviewing import claim_in_review

pytestmark = pytest.mark.django_db


def kinds(**filters):
    return set(AuditEvent.objects.filter(**filters).values_list("object_type", "action"))


def test_members_post_and_read_comments(api, project, annotator, editor):
    claim = claim_in_review(project, (annotator, "false"))
    response = api(annotator).post(
        f"/api/claims/{claim.pk}/comments/", {"body": "Is 7 to 2 right?"}, format="json"
    )
    assert response.status_code == 201, response.json()
    api(editor).post(
        f"/api/claims/{claim.pk}/comments/", {"body": "Yes, see page 3."}, format="json"
    )
    thread = api(annotator).get(f"/api/claims/{claim.pk}/comments/").json()
    assert [(c["author"], c["body"]) for c in thread] == [
        ("alice", "Is 7 to 2 right?"),
        ("erin", "Yes, see page 3."),
    ]
    assert thread[0]["created_at"]
    event = AuditEvent.objects.get(object_type="comment", object_id=thread[0]["id"])
    assert event.action == "create" and event.actor == annotator


def test_an_empty_comment_is_refused(api, client, project, annotator):
    claim = claim_in_review(project, (annotator, "false"))
    response = api(annotator).post(
        f"/api/claims/{claim.pk}/comments/", {"body": "   "}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["field"] == "body"
    client.force_login(annotator)
    refused = client.post(f"/claims/{claim.pk}/comments/", {"body": ""})
    assert refused.status_code == 400
    assert refused.context["form"].errors["body"]
    assert not Comment.objects.exists()


def test_the_comments_page_shows_the_thread(client, project, annotator):
    claim = claim_in_review(project, (annotator, "false"))
    client.force_login(annotator)
    response = client.post(f"/claims/{claim.pk}/comments/", {"body": "Second source needed"})
    assert response.status_code == 302
    assert "Second source needed" in client.get(f"/claims/{claim.pk}/comments/").content.decode()


def test_strangers_get_404_on_comments(api, client, project, annotator, stranger):
    claim = claim_in_review(project, (annotator, "false"))
    assert api(stranger).get(f"/api/claims/{claim.pk}/comments/").status_code == 404
    assert (
        api(stranger)
        .post(f"/api/claims/{claim.pk}/comments/", {"body": "hi"}, format="json")
        .status_code
        == 404
    )
    client.force_login(stranger)
    assert client.get(f"/claims/{claim.pk}/comments/").status_code == 404


def test_the_history_shows_every_change_to_the_claim(api, client, project, annotator, editor):
    claim = claim_in_review(project, (annotator, "false"))
    api(editor).post(f"/api/claims/{claim.pk}/comments/", {"body": "Looks right."}, format="json")
    api(editor).post(
        f"/api/claims/{claim.pk}/review/", {"action": "approve", "lock": True}, format="json"
    )
    response = api(editor).get(f"/api/claims/{claim.pk}/history/")
    assert response.status_code == 200
    events = response.json()["events"]
    summary = [(e["object_type"], e["action"], e["actor"]) for e in events]
    assert ("annotation", "submit", "alice") in summary
    assert ("claim", "status", "alice") in summary
    assert ("comment", "create", "erin") in summary
    assert ("review", "create", "erin") in summary
    approve = next(e for e in events if e["object_type"] == "claim" and e["action"] == "approve")
    assert approve["before"]["status"] == "in_review"
    assert approve["after"] == {
        "status": "approved",
        "final_verdict": "false",
        "final_rationale": "alice checked the minutes.",
        "review_comment": "",
        "locked": True,
    }
    submit = next(e for e in events if e["action"] == "submit")
    assert submit["after"]["sources"][0]["url"] == "https://minutes.example.org/1"
    client.force_login(editor)
    page = client.get(f"/claims/{claim.pk}/history/").content.decode()
    assert "Timeline" in page and "erin approved the verdict" in page and "Looks right." in page


def test_the_history_page_reopens_a_locked_verdict(client, project, annotator, editor):
    claim = claim_in_review(project, (annotator, "false"))
    client.force_login(editor)
    client.post(
        f"/claims/{claim.pk}/review/", {"action": "approve", "lock": "1", "version": claim.version}
    )
    response = client.post(
        f"/claims/{claim.pk}/lock/", {"action": "reopen", "reason": "Court ruling."}
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.status, claim.locked) == ("in_review", False)


def test_annotators_cannot_read_the_history_or_the_audit_log(api, client, project, annotator):
    claim = claim_in_review(project, (annotator, "false"))
    assert api(annotator).get(f"/api/claims/{claim.pk}/history/").status_code == 403
    assert api(annotator).get(f"/api/projects/{project.slug}/audit-log/").status_code == 403
    client.force_login(annotator)
    assert client.get(f"/claims/{claim.pk}/history/").status_code == 403
    assert client.get(f"/projects/{project.slug}/audit-log/").status_code == 403


def test_strangers_get_404_on_history_and_audit_log(api, client, project, annotator, stranger):
    claim = claim_in_review(project, (annotator, "false"))
    assert api(stranger).get(f"/api/claims/{claim.pk}/history/").status_code == 404
    assert api(stranger).get(f"/api/projects/{project.slug}/audit-log/").status_code == 404
    client.force_login(stranger)
    assert client.get(f"/claims/{claim.pk}/history/").status_code == 404
    assert client.get(f"/projects/{project.slug}/audit-log/").status_code == 404


def test_the_audit_log_exports_as_jsonl_and_csv(api, client, project, annotator, editor):
    claim_in_review(project, (annotator, "false"))
    response = api(editor).get(f"/api/projects/{project.slug}/audit-log/", {"format": "jsonl"})
    assert response.status_code == 200
    assert response.streaming
    lines = [
        json.loads(line) for line in b"".join(response.streaming_content).decode().splitlines()
    ]
    assert {"annotation", "claim"} <= {line["object_type"] for line in lines}
    assert all(line["actor"] == "alice" for line in lines)
    client.force_login(editor)
    response = client.get(f"/projects/{project.slug}/audit-log/", {"format": "csv"})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == len(lines)
    assert json.loads(rows[0]["after"])["verdict"] == "false"
    assert (
        api(editor).get(f"/api/projects/{project.slug}/audit-log/", {"format": "xml"}).status_code
        == 404
    )


def test_every_kind_of_write_is_audited(api, project, admin, annotator, editor):
    owner = UserFactory(username="olga")
    new = create_project(owner, name="Audit desk")
    update_project(new, owner, {"description": "Every write, recorded."})
    assert kinds(project=new) >= {
        ("project", "create"),
        ("project", "update"),
        ("membership", "create"),
    }

    document = create_document(
        project, admin, DocumentInput(title="Minutes", text="The council met. It voted 7 to 2.")
    )
    claim = claim_in_review(project, (annotator, "false"))
    update_claim(claim, editor, {"speaker": "The mayor"}, claim.version)
    save_annotation(
        claim_in_review(project),
        annotator,
        verdict="true",
        sources=[{"url": "https://example.org/a", "stance": "supports"}],
    )
    api(editor).post(
        f"/api/claims/{claim.pk}/review/", {"action": "return", "comment": "Why?"}, format="json"
    )
    api(editor).post(f"/api/claims/{claim.pk}/comments/", {"body": "Ping"}, format="json")
    api(admin).patch(
        f"/api/projects/{project.slug}/members/alice/", {"role": "editor"}, format="json"
    )
    api(admin).delete(f"/api/projects/{project.slug}/members/erin/")
    recorded = kinds(project=project)
    assert recorded >= {
        ("document", "create"),
        ("claim", "update"),
        ("claim", "status"),
        ("claim", "return"),
        ("annotation", "create"),
        ("annotation", "submit"),
        ("annotation", "return"),
        ("review", "create"),
        ("comment", "create"),
        ("membership", "update"),
        ("membership", "delete"),
    }
    # Sources are recorded with the annotation that carries them.
    created = AuditEvent.objects.get(object_type="annotation", action="create")
    assert created.after["sources"] == [
        {
            "answer": "",
            "publisher": "",
            "question": "",
            "quote": "",
            "stance": "supports",
            "title": "",
            "url": "https://example.org/a",
        }
    ]
    assert AuditEvent.objects.get(object_type="document", object_id=document.pk).actor == admin


def test_the_admin_shows_the_trail_read_only(client, project, annotator):
    claim_in_review(project, (annotator, "false"))
    event = AuditEvent.objects.first()
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(root)
    assert client.get("/admin/annotations/auditevent/").status_code == 200
    assert client.get(f"/admin/annotations/auditevent/{event.pk}/change/").status_code == 200
    assert client.post(f"/admin/annotations/auditevent/{event.pk}/delete/").status_code == 403
    assert client.get("/admin/annotations/auditevent/add/").status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()
