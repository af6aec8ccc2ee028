"""Guessing passwords stops after a handful of tries: the username is refused from that
address for the cool-off, on the login page and the token endpoint alike, even with the
right password, until it passes or an administrator unlocks the account."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from rest_framework.test import APIClient

from .support.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"


@pytest.fixture
def user():
    return UserFactory(username="vera")


def log_in(client, password: str, address: str = "203.0.113.7"):
    return client.post("/login/", {"username": "vera", "password": password}, REMOTE_ADDR=address)


def get_token(password: str, address: str = "203.0.113.7"):
    return APIClient().post(
        "/api/auth/token/",
        {"username": "vera", "password": password},
        format="json",
        REMOTE_ADDR=address,
    )


def locked_out(response) -> bool:
    """A 429 that says why (the page and the API word it alike)."""
    return response.status_code == 429 and "Too many failed logins" in response.content.decode()


def test_sixty_wrong_passwords_lock_the_login_page(client, user):
    answers = [log_in(client, f"guess-{n}").status_code for n in range(60)]
    assert answers[:4] == [200] * 4  # the form again, "didn't match"
    assert set(answers[4:]) == {429}

    refused = log_in(client, PASSWORD)
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "Too many failed logins" in page and "15 minutes" in page
    assert "_auth_user_id" not in client.session

    call_command("axes_reset_username", "vera")
    assert log_in(client, PASSWORD).status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_sixty_wrong_passwords_lock_the_token_endpoint(user):
    answers = [get_token(f"guess-{n}").status_code for n in range(60)]
    assert answers[:4] == [400] * 4
    assert set(answers[4:]) == {429}

    refused = get_token(PASSWORD)
    assert refused.status_code == 429
    assert "Too many failed logins" in refused.json()["detail"]
    assert "token" not in refused.json()

    call_command("axes_reset")
    assert get_token(PASSWORD).status_code == 200


def test_the_page_and_the_api_count_failures_together(client, user):
    for n in range(3):
        log_in(client, f"guess-{n}")
    get_token("guess-3")
    assert locked_out(get_token("guess-4"))
    assert locked_out(log_in(client, PASSWORD))


def test_a_lockout_holds_only_that_username_from_that_address(client, user):
    UserFactory(username="walt")
    for n in range(5):
        log_in(client, f"guess-{n}")
    assert locked_out(log_in(client, PASSWORD))
    # Her colleague at the same address, and she from elsewhere, still get in.
    other = client.post(
        "/login/", {"username": "walt", "password": PASSWORD}, REMOTE_ADDR="203.0.113.7"
    )
    assert other.status_code == 302
    assert get_token(PASSWORD, address="198.51.100.20").status_code == 200


def test_a_successful_login_clears_earlier_failures(client, user):
    for n in range(4):
        log_in(client, f"guess-{n}")
    assert log_in(client, PASSWORD).status_code == 302
    client.logout()
    for n in range(4):
        assert log_in(client, f"guess-{n}").status_code == 200
    assert log_in(client, PASSWORD).status_code == 302


def test_the_cool_off_passes(client, user):
    for n in range(5):
        log_in(client, f"guess-{n}")
    assert locked_out(log_in(client, PASSWORD))
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16)
    )
    assert log_in(client, PASSWORD).status_code == 302


def test_behind_a_proxy_the_forwarded_address_counts(client, user, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    for n in range(5):
        client.post(
            "/login/",
            {"username": "vera", "password": f"guess-{n}"},
            REMOTE_ADDR=proxy,
            # What the client wrote itself, then what the proxy appended.
            HTTP_X_FORWARDED_FOR=f"1.1.1.{n}, 203.0.113.7",
        )
    assert log_in(client, PASSWORD, address=proxy).status_code == 302  # no forwarded address
    locked = client.post(
        "/login/",
        {"username": "vera", "password": PASSWORD},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR="203.0.113.7",
    )
    assert locked_out(locked)
