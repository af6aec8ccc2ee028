"""Faults, with real processes and no mocks: workers SIGKILLed mid-extraction and
mid-export, Redis stopped while people save and upload, PostgreSQL stopped for 20 s while
a job runs and requests come in, and two workers sharing 1,000 documents.

Each test runs gunicorn, Celery workers and Celery beat against a redis-server and a
PostgreSQL cluster of its own (initdb in a temporary directory, on free ports), which it
stops and starts again; then it asserts the end state within a bounded wait: one set of
claims per document, exports done with one file (or failed with none), no job left queued
or running, no request answered 500. The time each fault took to recover is printed and
appended to test-output/fault-recovery.log."""

from __future__ import annotations

import http.server
import json
import os
import random
import re
import threading
import time
from pathlib import Path

import pytest
import requests

from .support.services import (
    PASSWORD,
    ROOT,
    SEED_PROJECT,
    TOKEN,
    PostgresCluster,
    RedisServer,
    app_env,
    celery_beat,
    celery_worker,
    free_port,
    gunicorn,
    log_tail,
    manage,
    missing_binaries,
    wait_until,
)

pytestmark = pytest.mark.slow

REQUIRE_SERVICES = os.environ.get("FACTCHECK_REQUIRE_SERVICES") == "1"
# Generous: the machine running the suite may be busy with other work.
RECOVERY_TIMEOUT = 240
REPORT = ROOT / "test-output" / "fault-recovery.log"


def record_recovery(fault: str, seconds: float) -> None:
    line = f"{fault}: recovered in {seconds:.1f} s"
    print(line)
    REPORT.parent.mkdir(exist_ok=True)
    with REPORT.open("a") as report:
        report.write(f"{time.strftime('%Y-%m-%d %H:%M:%S')} {line}\n")


def article(n_sentences: int, seed: int) -> str:
    """A long text of check-worthy sentences (figures, years, sources), in paragraphs."""
    rng = random.Random(seed)
    subjects = ["Unemployment", "The deficit", "Crime", "Inflation", "Turnout", "Rent", "Debt"]
    verbs = ["rose by", "fell by", "reached", "dropped to", "grew by"]
    places = ["Lisbon", "Porto", "the north", "rural areas", "the capital", "the region"]
    sentences = [
        f"{rng.choice(subjects)} in {rng.choice(places)} {rng.choice(verbs)} "
        f"{rng.randint(2, 95)} percent in {rng.randint(1990, 2024)}, "
        f"according to report number {rng.randint(1, 10**6)}."
        for _ in range(n_sentences)
    ]
    return "\n\n".join(" ".join(sentences[i : i + 6]) for i in range(0, len(sentences), 6))


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """One PostgreSQL cluster for the module, with a migrated and seeded template
    database; each test works on a copy of it."""
    reason = missing_binaries()
    if reason:
        pytest.fail(reason) if REQUIRE_SERVICES else pytest.skip(reason)
    pg = PostgresCluster()
    pg.start()
    try:
        pg.execute("postgres", "CREATE DATABASE template_faults")
        env = app_env(pg.url("template_faults"), None, tmp_path_factory.mktemp("seed"))
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "shell", "-c", SEED_PROJECT)
        yield pg
    finally:
        pg.remove()


class Stack:
    """The workbench on the test's own services: a database copied from the template, a
    redis-server, and whichever processes the test starts."""

    def __init__(self, pg: PostgresCluster, workdir: Path, name: str):
        self.pg = pg
        self.db = name
        pg.execute("postgres", f'CREATE DATABASE "{name}" TEMPLATE template_faults')
        self.redis = RedisServer(workdir)
        self.redis.start()
        self.dir = workdir
        self.data = workdir / "data"
        self.env = app_env(pg.url(name), self.redis.url, self.data)
        self.processes = []
        self.base = ""
        self.answers: list[tuple[str, int]] = []

    def close(self) -> None:
        for process in reversed(self.processes):
            process.stop()
        self.redis.stop()

    def logs(self) -> str:
        return "\n".join(f"--- {p.name}\n{log_tail(p.log)}" for p in self.processes)

    # ---- processes

    def web(self) -> None:
        port = free_port(18300, 18399)
        self.processes.append(gunicorn(self.env, self.dir, port))
        self.base = f"http://127.0.0.1:{port}"
        wait_until(self.web_answers, 120, "gunicorn to answer")

    def web_answers(self) -> bool:
        try:
            return requests.get(f"{self.base}/login/", timeout=30).status_code == 200
        except (requests.ConnectionError, requests.Timeout):
            return False

    def worker(self, name: str, concurrency: int = 1):
        worker = celery_worker(name, self.env, self.dir, concurrency)
        self.processes.append(worker)
        wait_until(lambda: " ready." in worker.log.read_text(errors="replace"), 90, f"{name} ready")
        return worker

    def beat(self) -> None:
        self.processes.append(celery_beat(self.env, self.dir))

    # ---- talking to it

    def api(self, method: str, path: str, **kwargs) -> requests.Response:
        response = requests.request(
            method,
            f"{self.base}/api{path}",
            headers={"Authorization": f"Token {TOKEN}"},
            timeout=120,
            **kwargs,
        )
        self.answers.append((f"{method} {path}", response.status_code))
        return response

    def browser(self) -> requests.Session:
        """A logged-in session for the pages."""
        session = requests.Session()
        page = session.get(f"{self.base}/login/", timeout=60)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        session.post(
            f"{self.base}/login/",
            data={"username": "erin", "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": f"{self.base}/login/"},
            timeout=60,
        )
        return session

    def sql(self, query: str, *params) -> list[tuple]:
        return self.pg.execute(self.db, query, params)

    def unfinished_jobs(self) -> int:
        return self.sql(
            "SELECT count(*) FROM annotations_job WHERE state IN ('queued', 'running')"
        )[0][0]

    def job(self, **subject) -> dict:
        ((column, pk),) = subject.items()
        row = self.sql(
            f"SELECT id, state, attempts, error, worker FROM annotations_job WHERE {column}_id = %s",
            pk,
        )[0]
        return dict(zip(["id", "state", "attempts", "error", "worker"], row, strict=True))

    def wait_for_job(self, timeout: float = RECOVERY_TIMEOUT, **subject) -> dict:
        try:
            return wait_until(
                lambda: (job := self.job(**subject))["state"] in ("done", "failed") and job,
                timeout,
                f"the job of {subject} to finish",
            )
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n{self.logs()}") from None

    def claim_spans(self, document_id: int) -> tuple[int, int]:
        """(claims, distinct spans) of a document: equal when no claim is stored twice."""
        return self.sql(
            'SELECT count(*), count(DISTINCT (start, "end")) FROM annotations_claim'
            " WHERE document_id = %s",
            document_id,
        )[0]

    def no_500s(self) -> None:
        assert not [a for a in self.answers if a[1] >= 500 and a[1] != 503], self.answers


@pytest.fixture
def stack(cluster, tmp_path, request):
    name = re.sub(r"\W", "_", request.node.name)[:50].lower()
    stack = Stack(cluster, tmp_path, name)
    try:
        yield stack
    finally:
        stack.close()
        cluster.execute("postgres", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


MANY_CLAIMS = """
from annotations.models import Claim, Document
document = Document.objects.get(pk={document})
Claim.objects.bulk_create(
    [
        Claim(project_id=document.project_id, document=document, text=f"Claim {{i}}", start=i,
              end=i + 1, origin="manual")
        for i in range(100, 200_100)
    ],
    batch_size=5000,
)
"""


def post_document(stack: Stack, text: str, title: str = "Article") -> int:
    response = stack.api("POST", "/projects/faults/documents/", json={"title": title, "text": text})
    assert response.status_code == 201, response.text
    return response.json()["id"]


def test_a_worker_killed_mid_extraction_leaves_no_document_stuck(stack):
    stack.web()
    stack.beat()
    worker = stack.worker("w1")

    # The pool process running the extraction is killed, as the OOM killer would.
    first = post_document(stack, article(12_000, seed=1), "One megabyte")
    wait_until(lambda: stack.job(document=first)["state"] == "running", 60, "extraction to start")
    time.sleep(0.5)
    (child,) = worker.children()
    os.kill(child, 9)
    killed = time.monotonic()
    job = stack.wait_for_job(document=first)
    record_recovery("worker pool process SIGKILLed mid-extraction", time.monotonic() - killed)
    assert job["state"] == "done", job
    assert job["attempts"] == 2  # the killed try, then the one that finished
    n_claims, spans = stack.claim_spans(first)
    assert n_claims == spans > 100

    # The whole worker is killed, then started again.
    second = post_document(stack, article(12_000, seed=2), "Another megabyte")
    wait_until(lambda: stack.job(document=second)["state"] == "running", 60, "extraction to start")
    time.sleep(0.5)
    worker.kill()
    killed = time.monotonic()
    stack.worker("w1-again")
    job = stack.wait_for_job(document=second)
    record_recovery("whole worker SIGKILLed mid-extraction, restarted", time.monotonic() - killed)
    assert job["state"] == "done", job
    n_claims, spans = stack.claim_spans(second)
    assert n_claims == spans > 100
    assert stack.unfinished_jobs() == 0
    stack.no_500s()


def test_a_worker_killed_mid_export_leaves_one_file_or_none(stack):
    stack.web()
    stack.beat()
    worker = stack.worker("w1")
    document = post_document(stack, "Prices rose 5% in May.", "Short")
    stack.wait_for_job(document=document)
    # Enough claims that the export takes a while.
    manage(stack.env, "shell", "-c", MANY_CLAIMS.format(document=document))
    response = stack.api("POST", "/projects/faults/exports/", json={"format": "jsonl"})
    assert response.status_code == 202, response.text
    export = response.json()["id"]
    wait_until(
        lambda: stack.sql("SELECT rows_done FROM annotations_export WHERE id = %s", export)[0][0],
        120,
        "the export to make progress",
    )
    worker.kill()
    assert stack.job(export=export)["state"] == "running", "killed before it finished"
    killed = time.monotonic()
    tmp = stack.data / "tmp"
    assert list(tmp.glob(f"export-{export}-*.part")), "the killed export left its partial file"
    stack.worker("w1-again")
    job = stack.wait_for_job(export=export)
    record_recovery("worker SIGKILLed mid-export, restarted", time.monotonic() - killed)

    assert not list(tmp.glob("*.part")), "no partial file is left behind"
    files = list((stack.data / "files" / "exports").rglob("*"))
    files = [f for f in files if f.is_file()]
    body = stack.api("GET", f"/exports/{export}/").json()
    if job["state"] == "done":
        assert len(files) == 1, files
        assert body["row_count"] == body["rows_total"] >= 200_000
        download = stack.api("GET", f"/exports/{export}/download/")
        assert download.status_code == 200
        assert download.headers["X-Content-SHA256"] == body["sha256"]
    else:
        assert files == [] and body["error"], body
    assert stack.unfinished_jobs() == 0
    stack.no_500s()


class Page(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (the handler's name)
        body = b"<html><head><title>Council minutes</title></head><body><p>The council voted 5 to 4.</p></body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def evidence_site():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_saves_and_uploads_succeed_while_redis_is_down_and_their_work_runs_once_it_is_back(
    stack, evidence_site
):
    stack.web()
    stack.beat()
    stack.worker("w1")
    document = post_document(stack, "Prices rose 5% in May. Wages rose 2% in May.", "Before")
    stack.wait_for_job(document=document)
    claim = stack.sql("SELECT id FROM annotations_claim WHERE document_id = %s LIMIT 1", document)
    claim = claim[0][0]
    page = stack.browser()

    stack.redis.stop()
    save = stack.api(
        "PUT",
        f"/claims/{claim}/annotation/",
        json={
            "stance": "refuted",
            "verdict": "false",
            "version": 0,
            "sources": [{"url": f"{evidence_site}/minutes"}],
        },
    )
    assert save.status_code == 200, save.text
    assert save.json()["sources"][0]["fetch_status"] == "queued"
    pasted = post_document(stack, "Rents rose 12% in Lisbon in 2023.", "While Redis was down")
    upload = stack.api(
        "POST",
        "/projects/faults/documents/",
        files={
            "file": (
                "three.jsonl",
                "\n".join(
                    json.dumps(
                        {"title": f"Doc {i}", "text": f"Crime fell {i} percent in {2000 + i}."}
                    )
                    for i in range(3)
                ),
            )
        },
    )
    assert upload.status_code == 201, upload.text
    uploaded = [d["id"] for d in upload.json()["documents"]]
    desk = page.get(f"{stack.base}/documents/{pasted}/", timeout=60)
    assert desk.status_code == 200
    assert "Waiting for a worker" in desk.text
    time.sleep(5)  # the work waits, recorded, while the broker is away
    assert stack.job(document=pasted)["state"] == "queued"

    stack.redis.start()
    back = time.monotonic()
    for pk in [pasted, *uploaded]:
        assert stack.wait_for_job(document=pk)["state"] == "done"
    source = save.json()["sources"][0]["id"]
    assert stack.wait_for_job(source=source)["state"] == "done"
    wait_until(lambda: stack.unfinished_jobs() == 0, RECOVERY_TIMEOUT, "every job to finish")
    record_recovery("Redis stopped during saves and uploads, restarted", time.monotonic() - back)
    (snapshot,) = stack.sql("SELECT snapshot_text FROM annotations_source WHERE id = %s", source)
    assert "voted 5 to 4" in snapshot[0]
    for pk in [pasted, *uploaded]:
        n_claims, spans = stack.claim_spans(pk)
        assert n_claims == spans >= 1
    stack.no_500s()


def test_postgresql_stopped_for_20_s_gives_503s_and_the_job_resumes(stack):
    stack.web()
    stack.beat()
    stack.worker("w1")
    page = stack.browser()
    document = post_document(stack, article(12_000, seed=3), "During the outage")
    wait_until(
        lambda: stack.job(document=document)["state"] == "running", 60, "extraction to start"
    )

    stack.pg.stop()
    stopped = time.monotonic()
    pages = []
    while time.monotonic() - stopped < 20:
        stack.api("GET", "/projects/faults/documents/")
        response = stack.api("POST", "/projects/faults/documents/", json={"text": "Rent rose 3%."})
        if response.status_code == 503:
            assert response.headers["Retry-After"]
            assert "database is unavailable" in response.json()["detail"]
        projects = page.get(f"{stack.base}/projects/faults/", timeout=60)
        pages.append((projects.status_code, projects.headers.get("Retry-After"), projects.text))
        time.sleep(1)
    stack.pg.start()
    back = time.monotonic()

    assert {code for _, code in stack.answers[-10:]} == {503}, stack.answers[-10:]
    assert all(code == 503 and retry for code, retry, _ in pages), [p[:2] for p in pages]
    assert "Unavailable for a moment" in pages[-1][2]
    wait_until(
        lambda: stack.api("GET", "/projects/faults/documents/").status_code == 200,
        60,
        "the API to answer again",
    )
    record_recovery("PostgreSQL stopped 20 s: API answers again", time.monotonic() - back)
    job = stack.wait_for_job(document=document)
    record_recovery(
        "PostgreSQL stopped 20 s during extraction: job finished", time.monotonic() - back
    )
    assert job["state"] == "done", job
    n_claims, spans = stack.claim_spans(document)
    assert n_claims == spans > 100
    wait_until(lambda: stack.unfinished_jobs() == 0, RECOVERY_TIMEOUT, "every job to finish")
    stack.no_500s()


def test_two_workers_extract_1000_documents_exactly_once_each(stack):
    stack.web()
    stack.beat()
    workers = [stack.worker("w1", concurrency=2), stack.worker("w2", concurrency=2)]
    lines = [
        json.dumps({"title": f"Report {i}", "text": article(4, seed=1000 + i)}) for i in range(1000)
    ]
    started = time.monotonic()
    upload = stack.api(
        "POST", "/projects/faults/documents/", files={"file": ("reports.jsonl", "\n".join(lines))}
    )
    assert upload.status_code == 201, upload.text
    wait_until(lambda: stack.unfinished_jobs() == 0, RECOVERY_TIMEOUT, "1,000 extractions")
    print(f"two workers: 1,000 documents extracted in {time.monotonic() - started:.1f} s")

    rows = stack.sql("SELECT state, attempts, worker FROM annotations_job WHERE kind = 'extract'")
    assert len(rows) == 1000
    assert {state for state, _, _ in rows} == {"done"}
    assert {attempts for _, attempts, _ in rows} == {1}, "each document extracted once"
    pool = {pid: w.name for w in workers for pid in w.children()}
    ran_on = {pool.get(int(worker.rsplit(":", 1)[1])) for _, _, worker in rows}
    assert {"w1", "w2"} <= ran_on, ran_on
    duplicates = stack.sql(
        'SELECT document_id, start, "end" FROM annotations_claim'
        ' GROUP BY document_id, start, "end" HAVING count(*) > 1'
    )
    assert duplicates == []
    stack.no_500s()
