"""A newsroom at work: annotators going through the real loop against gunicorn and
PostgreSQL, each request timed, the figures printed per endpoint.

    SECRET_KEY=x DATABASE_URL=postgres://postgres@127.0.0.1:5432/load \\
        .venv/bin/python bench/load.py [--annotators 50] [--seconds 120] [--claims 100000]

Each annotator, in her own thread with her own kept-alive connection, repeats:
next claim (POST /api/projects/{slug}/queue/next/), open the desk at it (GET
/documents/{id}/?claim=..., the HTML page), save a draft (PUT .../annotation/ with a
stance and a rationale), submit it (PUT with the verdict, submit: true), pausing
`--think` seconds (default 1) before each request, as someone reading and typing does
(a real fact-check takes minutes, not 4 seconds). The project (slug "bench-load",
`--claims` claims, one annotation per claim) is seeded with COPY and kept between runs
(--reseed replaces it); the server is started as `make run` starts it (gunicorn
factcheck.wsgi, 2 workers x 4 threads) on --port, with the same DATABASE_URL (and
REDIS_URL if set). Any error (a status other than the one expected, or a timeout) is
counted and the run exits non-zero."""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")

import django  # noqa: E402

django.setup()

import requests  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from annotations.models import Membership, Project, Role  # noqa: E402
from bench.seeding import drop_project, seed_project  # noqa: E402

SLUG = "bench-load"
PASSWORD = "load-bench-password"
ENDPOINTS = ("queue/next", "desk page", "save draft", "submit")


def annotators(project: Project, n: int) -> list[tuple[str, str]]:
    """n annotators of the project: (username, API token)."""
    User = get_user_model()
    people = []
    for i in range(n):
        user, created = User.objects.get_or_create(username=f"load-annotator-{i}")
        if created:
            user.set_password(PASSWORD)
            user.save()
        Membership.objects.get_or_create(
            project=project, user=user, defaults={"role": Role.ANNOTATOR}
        )
        people.append((user.username, Token.objects.get_or_create(user=user)[0].key))
    return people


def start_server(port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "factcheck.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--threads", "4"],
        cwd=ROOT,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            requests.get(f"http://127.0.0.1:{port}/login/", timeout=10)
            return server
        except requests.RequestException:
            time.sleep(0.2)
    server.kill()
    sys.exit("gunicorn did not answer within 60 s")


class Results:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = {name: [] for name in ENDPOINTS}
        self.errors: dict[str, list[str]] = {name: [] for name in ENDPOINTS}

    def record(self, name: str, seconds: float, error: str | None) -> None:
        with self.lock:
            if error is None:
                self.times[name].append(seconds * 1000)
            else:
                self.errors[name].append(error)


def annotate(base: str, slug: str, username: str, token: str, start: threading.Barrier,
             seconds: float, think: float, results: Results) -> None:  # fmt: skip
    """One annotator's loop until the time is up."""
    session = requests.Session()
    session.trust_env = False
    # The desk is a page: log in as a browser would, then use the API with her token.
    # Logging in is set-up, not timed: 50 password hashes at once take a while, so the
    # clock starts once everyone is in.
    login = session.get(f"{base}/login/", timeout=300)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text).group(1)
    session.post(
        f"{base}/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": csrf},
        headers={"Referer": f"{base}/login/"},
        timeout=300,
    )
    api = {"Authorization": f"Token {token}"}
    start.wait()
    until = time.monotonic() + seconds

    def timed(
        name: str, method: str, url: str, expected: int, **kwargs
    ) -> requests.Response | None:
        time.sleep(think)
        start = time.perf_counter()
        try:
            try:
                response = session.request(method, url, timeout=30, **kwargs)
            except requests.ConnectionError:
                # A kept-alive connection the server closed as the request went out: a
                # browser sends the request again on a new connection, and so do we, once.
                response = session.request(method, url, timeout=30, **kwargs)
        except requests.RequestException as error:
            results.record(name, 0, type(error).__name__)
            return None
        elapsed = time.perf_counter() - start
        if response.status_code == 409 and name == "save draft":
            results.record(name, elapsed, None)
            return response
        if response.status_code != expected:
            results.record(name, elapsed, f"HTTP {response.status_code}: {response.text[:120]}")
            return None
        results.record(name, elapsed, None)
        return response

    while time.monotonic() < until:
        picked = timed(
            "queue/next", "POST", f"{base}/api/projects/{slug}/queue/next/", 200, headers=api
        )
        if picked is None:
            continue
        body = picked.json()
        claim = body["claim"]["id"]
        if timed("desk page", "GET", base + body["desk_url"], 200) is None:
            continue
        url = f"{base}/api/claims/{claim}/annotation/"
        draft = {
            "stance": "refuted",
            "rationale": "The council minutes say otherwise.",
            "version": 0,
        }
        saved = timed("save draft", "PUT", url, 200, json=draft, headers=api)
        if saved is None:
            continue
        if saved.status_code == 409:
            # Her draft from a loop whose answer was lost: the desk shows it, and she
            # saves over it, as the desk's "keep mine" does.
            draft["version"] = saved.json()["current_version"]
            saved = timed("save draft", "PUT", url, 200, json=draft, headers=api)
            if saved is None:
                continue
        submitted = {
            **draft,
            "verdict": "false",
            "submit": True,
            "version": saved.json()["version"],
        }
        timed("submit", "PUT", url, 200, json=submitted, headers=api)


def percentile(values: list[float], share: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(share * len(values)))] if values else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--annotators", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--think", type=float, default=1.0)
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--port", type=int, default=18601)
    parser.add_argument("--reseed", action="store_true")
    args = parser.parse_args()
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        sys.exit("Set DATABASE_URL=postgres://... : this benchmark runs against PostgreSQL.")

    call_command("migrate", verbosity=0)
    if args.reseed:
        drop_project(SLUG)
    project = Project.objects.filter(slug=SLUG).first() or seed_project(SLUG, args.claims)
    people = annotators(project, args.annotators)
    open_claims = project.claims.filter(in_queue=True).count()
    print(f"project {SLUG}: {project.claims.count()} claims, {open_claims} open; "
          f"{args.annotators} annotators for {args.seconds:.0f} s, {args.think} s between requests")  # fmt: skip
    load_before = os.getloadavg()[0]

    server = start_server(args.port)
    results = Results()
    try:
        base = f"http://127.0.0.1:{args.port}"
        start = threading.Barrier(len(people) + 1, timeout=600)
        threads = [
            threading.Thread(
                target=annotate,
                args=(base, SLUG, name, token, start, args.seconds, args.think, results),
            )
            for name, token in people
        ]
        for thread in threads:
            thread.start()
        start.wait()
        load_before = os.getloadavg()[0]
        for thread in threads:
            thread.join()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    print(f"load average before {load_before:.2f}, after {os.getloadavg()[0]:.2f}")
    print(f"{'endpoint':12} {'requests':>9} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} "
          f"{'p99 ms':>8} {'max ms':>8} {'errors':>7}")  # fmt: skip
    failed = 0
    for name in ENDPOINTS:
        times, errors = results.times[name], results.errors[name]
        failed += len(errors)
        print(
            f"{name:12} {len(times):9d} {len(times) / args.seconds:7.1f} "
            f"{percentile(times, 0.5):8.1f} {percentile(times, 0.95):8.1f} "
            f"{percentile(times, 0.99):8.1f} {max(times, default=float('nan')):8.1f} "
            f"{len(errors):7d}"
        )
        for error in sorted(set(errors))[:3]:
            print(f"    {errors.count(error)} x {error}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
