"""Extraction throughput through the real pipeline: PostgreSQL, Redis and one Celery worker process.

For each scorer, the script starts one worker process (``celery worker --pool solo``: one process, no
children), ingests the BBC development articles with the same function the upload page uses (which queues one
extraction task per document on commit), waits until every document is done or failed, and prints articles/s,
sentences/s, claims stored/s and the worker's peak resident memory (VmHWM of the worker process).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench REDIS_URL=redis://127.0.0.1:6379/1 \\
        .venv/bin/python bench/extraction.py [--limit N] [--scorer light|transformer ...]

With --checked LIAR.tsv the organisation first gets that archive of earlier fact-checks, which
every new claim is matched against.

Targets: light >= 50 articles/s and < 300 MB; transformer >= 5 articles/s and < 600 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = ROOT.parent / "shared" / "datasets" / "bbc_news" / "articles_dev.jsonl"
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/6")
# A throwaway key for the benchmark process and its worker; nothing is signed that outlives the run.
os.environ.setdefault("SECRET_KEY", "benchmark-only")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402

from annotations.extraction import available_scorers  # noqa: E402
from annotations.extraction.sentences import split_sentences  # noqa: E402
from annotations.imports import import_dataset_file  # noqa: E402
from annotations.ingest import create_documents, parse_jsonl  # noqa: E402
from annotations.models import Claim, Document, JobState, Project, RatingScale  # noqa: E402
from factcheck.celery import app  # noqa: E402

TRANSCRIPTS = ROOT.parent / "shared" / "datasets" / "claimbuster" / "debate_transcripts"
TARGETS = {"light": (50.0, 300.0), "transformer": (5.0, 600.0)}


def start_worker() -> subprocess.Popen:
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "factcheck",
            "worker",
            "--pool",
            "solo",
            "--loglevel",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=os.environ.copy(),
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if app.control.ping(timeout=0.5):
            return worker
        if worker.poll() is not None:
            raise SystemExit(f"the worker exited with code {worker.returncode}")
    worker.terminate()
    raise SystemExit("the worker did not answer a ping within 60 s")


def peak_rss_mb(pid: int) -> float:
    """The process's resident-memory high-water mark, from the kernel."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used: what the run cost the worker, whatever else the
    machine was doing (the wall-clock rates depend on how busy the shared cores are)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(scorer: str, content: str, limit: int, checked: Path | None = None) -> dict:
    user, _ = get_user_model().objects.get_or_create(username="bench")
    project = Project.objects.create(
        slug=f"bench-{scorer}-{time.time_ns()}",
        name=f"Benchmark ({scorer})",
        rating_scale=RatingScale.objects.get(key="six-point"),
        scorer=scorer,
    )
    n_checked = 0
    if checked is not None:
        # An archive of earlier fact-checks in the organisation: every new claim is matched
        # against all of them ("checked before?").
        n_checked = import_dataset_file(project, user, "liar", checked).claims
    docs = parse_jsonl(content)[:limit]
    worker = start_worker()
    try:
        cpu_before = cpu_seconds(worker.pid)
        started = time.perf_counter()
        documents = create_documents(project, user, docs)
        ingested = time.perf_counter() - started
        pending = Document.objects.filter(project=project).exclude(
            extraction_job__state__in=[JobState.DONE, JobState.FAILED]
        )
        while pending.exists():
            if worker.poll() is not None:
                raise SystemExit(f"the worker died (exit code {worker.returncode})")
            time.sleep(0.05)
        elapsed = time.perf_counter() - started
        peak = peak_rss_mb(worker.pid)
        worker_cpu = cpu_seconds(worker.pid) - cpu_before
    finally:
        worker.terminate()
        worker.wait(timeout=60)
    failed = Document.objects.filter(project=project, extraction_job__state=JobState.FAILED)
    sentences = sum(len(list(split_sentences(d.text))) for d in documents)
    claims = Claim.objects.filter(project=project).count()
    versions = sorted(
        set(Document.objects.filter(project=project).values_list("extractor_version", flat=True))
    )
    articles_per_s = len(documents) / elapsed
    min_rate, max_mb = TARGETS[scorer]
    return {
        "scorer": scorer,
        "extractor_versions": versions,
        "articles": len(documents),
        "failed": failed.count(),
        "seconds": round(elapsed, 2),
        "ingest_seconds": round(ingested, 2),
        "articles_per_s": round(articles_per_s, 1),
        "sentences_per_s": round(sentences / elapsed, 1),
        "claims_stored_per_s": round(claims / elapsed, 1),
        "claims": claims,
        "checked_claims_in_organisation": n_checked,
        "worker_peak_rss_mb": round(peak, 1),
        "worker_cpu_s": round(worker_cpu, 1),
        "articles_per_worker_cpu_s": round(len(documents) / worker_cpu, 1),
        "load_average_1m": round(os.getloadavg()[0], 1),
        "target": f">= {min_rate:g} articles/s, < {max_mb:g} MB",
        "meets_target": articles_per_s >= min_rate and peak < max_mb,
    }


def long_transcript(megabytes: float) -> str:
    """The ClaimBuster debate transcripts (``SPEAKER: text`` lines), repeated up to the given size; each copy
    numbered so the text is one document."""
    debates = "\n\n".join(p.read_text(encoding="utf-8") for p in sorted(TRANSCRIPTS.glob("*.txt")))
    parts, size, copy = [], 0, 0
    while size < megabytes * 1_000_000:
        copy += 1
        parts.append(f"MODERATOR: Part {copy}.\n\n{debates}")
        size += len(parts[-1]) + 2
    return "\n\n".join(parts)[: int(megabytes * 1_000_000)]


def run_long(scorer: str, megabytes: float) -> dict:
    """One long transcript through the same worker path: time, claims and the worker's peak memory."""
    user, _ = get_user_model().objects.get_or_create(username="bench")
    project = Project.objects.create(
        slug=f"bench-long-{scorer}-{time.time_ns()}",
        name=f"Benchmark long transcript ({scorer})",
        rating_scale=RatingScale.objects.get(key="six-point"),
        scorer=scorer,
    )
    text = long_transcript(megabytes)
    worker = start_worker()
    try:
        started = time.perf_counter()
        (document,) = create_documents(
            project, user, parse_jsonl(json.dumps({"title": "Long", "text": text}))
        )
        while Document.objects.filter(
            pk=document.pk, extraction_job__state__in=[JobState.QUEUED, JobState.RUNNING]
        ).exists():
            if worker.poll() is not None:
                raise SystemExit(f"the worker died (exit code {worker.returncode})")
            time.sleep(0.2)
        elapsed = time.perf_counter() - started
        peak = peak_rss_mb(worker.pid)
    finally:
        worker.terminate()
        worker.wait(timeout=60)
    document = Document.objects.select_related("extraction_job").get(pk=document.pk)
    return {
        "scorer": scorer,
        "long_transcript_mb": round(len(text.encode()) / 1e6, 2),
        "status": document.extraction_job.state,
        "error": document.extraction_job.error,
        "seconds": round(elapsed, 1),
        "claims": document.claims.count(),
        "worker_peak_rss_mb": round(peak, 1),
        "time_limit_s": settings.CELERY_TASK_SOFT_TIME_LIMIT,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--limit", type=int, default=0, help="Only the first N articles (default: all)."
    )
    parser.add_argument(
        "--scorer", action="append", choices=sorted(TARGETS), help="Repeatable; default both."
    )
    parser.add_argument("--articles", type=Path, default=ARTICLES)
    parser.add_argument(
        "--checked",
        type=Path,
        help="A LIAR TSV imported first as the organisation's earlier fact-checks, e.g. "
        "../shared/datasets/liar/train.tsv (10,240 claims).",
    )
    parser.add_argument(
        "--long-transcript-mb",
        type=float,
        default=0,
        help="Also extract one transcript of this size (e.g. 5) per scorer.",
    )
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    app.connection().default_channel.client.flushdb()  # drop tasks left by an interrupted run
    # The dataset's own "id" and "category" fields are not document fields, and a few articles appear twice
    # (a project refuses a duplicate text); the rest goes in as uploaded.
    rows = {}
    for line in args.articles.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            rows.setdefault(row["text"].strip(), {"title": row["title"], "text": row["text"]})
    content = "\n".join(json.dumps(row) for row in rows.values())
    limit = args.limit or len(content.splitlines())
    for scorer in args.scorer or ["light", "transformer"]:
        if not available_scorers()[scorer]:
            print(json.dumps({"scorer": scorer, "skipped": "model not installed"}))
            continue
        print(json.dumps(run(scorer, content, limit, args.checked)), flush=True)
        if args.long_transcript_mb:
            print(json.dumps(run_long(scorer, args.long_transcript_mb)), flush=True)


if __name__ == "__main__":
    main()
