"""Page parameters of API lists that are not whole numbers are refused with 400 naming the
parameter, instead of being ignored."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "query",
    ["claims/?page_size=abc", "documents/?page_size=", "exports/?offset=null", "exports/?limit=-1"],
)
def test_a_page_parameter_that_is_not_a_number_is_refused(api, project, editor, query):
    response = api(editor).get(f"/api/projects/{project.slug}/{query}")
    assert response.status_code == 400
    body = response.json()
    assert body["field"] == query.split("?")[1].split("=")[0]
    assert "whole number" in body["detail"]


def test_whole_numbers_are_taken(api, project, editor):
    assert api(editor).get(f"/api/projects/{project.slug}/claims/?page_size=5").status_code == 200
    assert (
        api(editor).get(f"/api/projects/{project.slug}/exports/?offset=0&limit=5").status_code
        == 200
    )
