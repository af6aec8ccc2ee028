import hashlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from annotations.models import AuditEvent, Job, Source
from annotations.sources import FetchError, fetch_page

from .support.factories import ClaimFactory, DocumentFactory

pytestmark = pytest.mark.django_db

PAGE = """<!doctype html><html><head><title>Council minutes, 12 March</title>
<meta property="og:site_name" content="Harbour Gazette">
<meta property="article:published_time" content="2026-03-12T09:30:00Z">
</head><body><nav>Menu</nav><h1>Council minutes</h1>
<p>The council voted 5 to 4, not 7 to 2.</p><script>track()</script></body></html>"""


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/article":
            body = PAGE.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif self.path.startswith("/loop"):
            n = int(self.path.removeprefix("/loop") or 0)
            self.send_response(302)
            self.send_header("Location", f"/loop{n + 1}")
            self.end_headers()
        elif self.path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/article")
            self.end_headers()
        elif self.path == "/huge":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(b"<p>" + b"x" * 200_000 + b"</p>")
        elif self.path == "/image":
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            self.wfile.write(b"\x89PNG")
        else:
            self.send_response(404)
            self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(name="server")
def server_fixture():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def allow_loopback(settings):
    settings.SOURCE_FETCH_ALLOW_PRIVATE = True
    settings.SOURCE_FETCH_TIMEOUT = 5
    return settings


@pytest.fixture
def claim(project):
    return ClaimFactory(document=DocumentFactory(project=project))


def put(api, user, claim, version, sources, **fields):
    return api(user).put(
        f"/api/claims/{claim.pk}/annotation/",
        {"sources": sources, "version": version, **fields},
        format="json",
    )


def test_pasting_a_url_archives_the_page(
    api, claim, annotator, server, allow_loopback, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = put(
            api, annotator, claim, 0, [{"url": f"{server}/article", "stance": "refutes"}]
        )
    assert response.status_code == 200, response.json()
    # Without a broker the task ran in-process; the answer shows what was queued.
    source = Source.objects.get()
    assert source.fetch_job.state == "done", source.fetch_job.error
    assert source.title == "Council minutes, 12 March"
    assert source.publisher == "Harbour Gazette"
    assert source.published_at.isoformat() == "2026-03-12T09:30:00+00:00"
    assert "The council voted 5 to 4" in source.snapshot_text
    assert "track()" not in source.snapshot_text
    assert source.snapshot_sha256 == hashlib.sha256(source.snapshot_text.encode()).hexdigest()
    assert source.fetched_at is not None
    assert AuditEvent.objects.filter(object_type="source", action="fetch").exists()
    mine = api(annotator).get(f"/api/claims/{claim.pk}/annotation/").json()
    assert mine["sources"][0]["fetch_status"] == "done"
    assert mine["sources"][0]["snapshot_sha256"] == source.snapshot_sha256


def test_a_private_address_is_refused(
    api, claim, annotator, server, settings, django_capture_on_commit_callbacks
):
    settings.SOURCE_FETCH_ALLOW_PRIVATE = False
    with django_capture_on_commit_callbacks(execute=True):
        put(api, annotator, claim, 0, [{"url": f"{server}/article"}])
    source = Source.objects.get()
    assert source.fetch_job.state == "failed"
    assert "private or local address" in source.fetch_job.error
    assert source.snapshot_text == ""


@pytest.mark.parametrize("host", ["10.1.2.3", "192.168.0.1", "169.254.169.254", "[::1]", "0.0.0.0"])
def test_private_and_local_addresses_are_refused(settings, host):
    settings.SOURCE_FETCH_ALLOW_PRIVATE = False
    with pytest.raises(FetchError, match="private or local"):
        fetch_page(f"http://{host}/latest/meta-data/")


def test_redirects_are_followed_but_limited(server, allow_loopback):
    assert "5 to 4" in fetch_page(f"{server}/moved").text
    allow_loopback.SOURCE_FETCH_MAX_REDIRECTS = 3
    with pytest.raises(FetchError, match="Too many redirects"):
        fetch_page(f"{server}/loop0")


def test_pages_over_the_size_cap_are_refused(server, allow_loopback):
    allow_loopback.SOURCE_FETCH_MAX_BYTES = 100_000
    with pytest.raises(FetchError, match="larger than"):
        fetch_page(f"{server}/huge")


def test_only_pages_and_text_are_archived(server, allow_loopback):
    with pytest.raises(FetchError, match="Not a web page"):
        fetch_page(f"{server}/image")
    with pytest.raises(FetchError, match="HTTP 404"):
        fetch_page(f"{server}/missing")


def test_a_silent_server_times_out(allow_loopback):
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    allow_loopback.SOURCE_FETCH_TIMEOUT = 1
    try:
        with pytest.raises(FetchError, match="too long"):
            fetch_page(f"http://127.0.0.1:{listener.getsockname()[1]}/")
    finally:
        listener.close()


def test_autosave_keeps_the_snapshot_and_reorders_and_removes(
    api, claim, annotator, server, allow_loopback, django_capture_on_commit_callbacks
):
    first, second, third = f"{server}/article", "https://b.example.org/", "https://c.example.org/"
    with django_capture_on_commit_callbacks(execute=False):
        put(api, annotator, claim, 0, [{"url": first}, {"url": second}, {"url": third}])
    archived = Source.objects.get(url=first)
    Source.objects.filter(pk=archived.pk).update(
        snapshot_text="kept", snapshot_sha256="abc", title="Fetched title"
    )
    Job.objects.filter(source=archived).update(state="done")
    response = put(api, annotator, claim, 1, [{"url": third}, {"url": first, "quote": "5 to 4"}])
    assert response.status_code == 200, response.json()
    sources = response.json()["sources"]
    assert [s["url"] for s in sources] == [third, first]
    assert sources[1]["snapshot_sha256"] == "abc" and sources[1]["title"] == "Fetched title"
    assert Source.objects.get(pk=archived.pk).quote == "5 to 4"
    assert not Source.objects.filter(url=second).exists()
