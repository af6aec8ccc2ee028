import csv
import io
import json

import pytest

from .support.factories import ClaimFactory, DocumentFactory

pytestmark = pytest.mark.django_db


def read(response) -> str:
    return b"".join(response.streaming_content).decode()


@pytest.fixture
def approved_claim(project):
    claim = ClaimFactory(document=DocumentFactory(project=project))
    claim.status, claim.final_verdict, claim.final_rationale = "approved", "false", "Minutes."
    claim.save()
    return claim


def test_it_streams_jsonl(api, project, editor, approved_claim):
    response = api(editor).get(f"/api/projects/{project.slug}/export/?format=jsonl")
    assert response.status_code == 200
    assert response.streaming
    records = [json.loads(line) for line in read(response).splitlines()]
    records = [record for record in records if record["type"] == "claim"]
    assert records[0]["text"] == approved_claim.text
    assert records[0]["final_verdict"]["key"] == "false"
    assert records[0]["final_verdict"]["label"] == "False"


def test_it_streams_csv(api, project, editor, approved_claim):
    response = api(editor).get(f"/api/projects/{project.slug}/export/?format=csv")
    rows = list(csv.DictReader(io.StringIO(read(response))))
    assert rows[0]["final_verdict"] == "false"
    assert rows[0]["text"] == approved_claim.text


def test_an_unknown_format_is_refused(api, project, editor):
    response = api(editor).get(f"/api/projects/{project.slug}/export/?format=xml")
    assert response.status_code in (400, 404)


def test_stranger_gets_404(api, project, stranger):
    assert (
        api(stranger).get(f"/api/projects/{project.slug}/export/?format=jsonl").status_code == 404
    )


def test_annotators_get_403_because_annotation_is_blind(api, project, annotator, approved_claim):
    response = api(annotator).get(f"/api/projects/{project.slug}/export/?format=jsonl")
    assert response.status_code == 403
