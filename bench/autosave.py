"""Autosave under load: concurrent annotators saving drafts through the API, against
gunicorn and the configured database (meant for PostgreSQL).

    SECRET_KEY=x DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench \\
        python bench/autosave.py [--annotators 8] [--saves 100] [--workers 2] [--threads 4]

It migrates the database, creates a throw-away project with one claim per annotator (and
one shared claim), starts gunicorn on a free port, and has every annotator save a draft
as fast as the previous save returns, each carrying the version it was based on, as the
desk does. It prints latency percentiles and errors, then deletes the project."""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")

import django  # noqa: E402

django.setup()

import requests  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def setup(n: int):
    from annotations.models import Claim, Document, Role
    from annotations.projects import add_member, create_project

    tag = uuid.uuid4().hex[:8]
    User = get_user_model()
    owner = User.objects.create_user(f"bench-owner-{tag}")
    project = create_project(owner, name=f"Autosave bench {tag}")
    text = "".join(f"Sentence {i} claims that {i * 7} homes flooded. " for i in range(n))
    document = Document.objects.create(project=project, title="Bench", text=text)
    claims, position = [], 0
    for i in range(n):
        body = f"Sentence {i} claims that {i * 7} homes flooded."
        claims.append(
            Claim.objects.create(
                project=project,
                document=document,
                text=body,
                start=position,
                end=position + len(body),
            )
        )
        position += len(body) + 1
    tokens = []
    for i in range(n):
        user = User.objects.create_user(f"bench-{tag}-{i}")
        add_member(project, owner, user, Role.ANNOTATOR)
        tokens.append(Token.objects.create(user=user).key)
    return tag, project, claims, tokens


def annotator(
    base: str, token: str, claim_id: int, saves: int, out: list, errors: list, pause: float = 0.0
) -> None:
    session = requests.Session()
    session.headers["Authorization"] = f"Token {token}"
    version = 0
    rationale = ""
    for i in range(saves):
        rationale += f"word{i} "
        body = {"stance": "refuted", "verdict": "false", "rationale": rationale, "version": version}
        start = time.perf_counter()
        try:
            response = session.put(
                f"{base}/api/claims/{claim_id}/annotation/", json=body, timeout=30
            )
        except requests.RequestException as exc:
            errors.append(str(exc))
            continue
        out.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            errors.append(f"HTTP {response.status_code}: {response.text[:200]}")
            continue
        version = response.json()["version"]
        if pause:
            # The desk saves at most once per debounce interval while someone types.
            time.sleep(pause)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--annotators", type=int, default=8)
    parser.add_argument("--saves", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument(
        "--pause",
        type=float,
        default=0.0,
        help="seconds each annotator waits between saves (the desk debounces at 0.7 s); "
        "0 saves back to back, a stress test",
    )
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    tag, project, claims, tokens = setup(args.annotators)
    port = free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "factcheck.wsgi",
            "--bind", f"127.0.0.1:{port}",
            "--workers", str(args.workers),
            "--threads", str(args.threads),
            "--log-level", "warning",
        ],
        cwd=ROOT,
        env={**os.environ, "ALLOWED_HOSTS": "127.0.0.1"},
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                requests.get(f"{base}/api/projects/", timeout=1)
                break
            except requests.RequestException:
                time.sleep(0.2)
        # Warm up each worker's connections.
        warm_out: list = []
        annotator(base, tokens[0], claims[0].pk, 5, warm_out, [])
        from annotations.models import Annotation

        Annotation.objects.filter(claim__project=project).delete()

        latencies: list[float] = []
        errors: list[str] = []
        threads = [
            threading.Thread(
                target=annotator,
                args=(base, token, claim.pk, args.saves, latencies, errors, args.pause),
            )
            for token, claim in zip(tokens, claims, strict=True)
        ]
        start = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - start
    finally:
        server.terminate()
        server.wait(10)

    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(len(latencies) * p))]

    from django.conf import settings

    print(f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}")
    print(
        f"{args.annotators} annotators x {args.saves} draft saves, gunicorn "
        f"{args.workers} workers x {args.threads} threads, {args.pause} s between saves"
    )
    print(
        f"requests {len(latencies)}, errors {len(errors)}, {len(latencies) / elapsed:.0f} saves/s"
    )
    print(
        f"latency ms: p50 {pct(0.50):.1f}  p95 {pct(0.95):.1f}  p99 {pct(0.99):.1f}  "
        f"max {latencies[-1]:.1f}"
    )
    for error in errors[:5]:
        print("error:", error)
    project.delete()
    get_user_model().objects.filter(username__contains=f"-{tag}").delete()


if __name__ == "__main__":
    main()
