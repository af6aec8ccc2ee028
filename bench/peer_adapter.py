"""peerbench adapter for the fact-checking workbench (this repository).

Run from the repository root with the shared harness on PYTHONPATH (see bench/PEERBENCH.md):

    PYTHONPATH=../shared/peerbench ../shared/peerbench/run_isolated.sh python3 -m peerbench run \\
        --system bench.peer_adapter:WorkbenchAdapter --workdir NEW_DIR --port 18101 \\
        --seed-text ../shared/samples/alaska-summit.txt --label run-1 --out RESULT.json

Server layout, as `make run` starts it:
* embedded default: gunicorn `factcheck.wsgi`, 2 workers x 4 threads (gthread), SQLite in
  FACTCHECK_DATA_DIR, and the job table's worker (`manage.py jobs work`);
* `--opt services=1`: the same gunicorn with DATABASE_URL (PostgreSQL, database wb_peer or
  `--opt database=NAME`, dropped and recreated by prepare) and REDIS_URL (db 7 or
  `--opt redis_db=N`, flushed by prepare), plus a Celery worker
  (`celery -A factcheck worker --beat --concurrency=2`, prefork, with beat, the sweeper).

Mapping of the harness's model onto ours: a harness "doc" is a Document; a label is an
annotation (stance + verdict, submitted) of the document's first claim (the claims are
the sentences the extractor finds; the project uses threshold 0 so every sentence is a
claim, and the free-text rating scale so the harness's verdict names are accepted as
they are). The doc -> first claim mapping is resolved in the untimed `list_doc_ids` and
kept in Project.extra.

API used (token auth): POST /api/projects/; POST .../documents/ (multipart JSONL file,
<= 10 MB per request, all or nothing); GET .../documents/?page_size[&q][&extraction_status][&count=true]
(cursor pages, newest first; the number of matches on request); GET .../claims/ (cursor pages); PUT /api/claims/{id}/annotation/;
GET .../export/?format=jsonl[&status=in_review,approved] (streamed native JSONL).
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import time
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests
from peerbench.adapters.base import Adapter, AdapterError, Project, check

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
REDIS_SERVER = "redis://127.0.0.1:6379"
# The server refuses uploads over MAX_UPLOAD_BYTES (10 MiB by default); stay under 10 MB.
DEFAULT_CHUNK_BYTES = 10_000_000
# Claim statuses of a claim that carries a submitted label (annotations_per_claim = 1).
LABELLED_STATUSES = "in_review,approved"


class WorkbenchAdapter(Adapter):
    name = "factcheck-workbench"
    username = "admin"
    password = "bench-pass-123"
    long_timeout = 3600.0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.services:
            # A separate row in `peerbench report`: another configuration, not another run.
            self.name = "factcheck-workbench-pg-redis"

    # ---- configuration ---------------------------------------------------------------
    @property
    def services(self) -> bool:
        return str(self.options.get("services", "0")).lower() in ("1", "true", "yes")

    @property
    def workers(self) -> int:
        return int(self.options.get("workers") or 2)

    @property
    def threads(self) -> int:
        return int(self.options.get("threads") or 4)

    @property
    def database(self) -> str:
        return str(self.options.get("database") or "wb_peer")

    @property
    def redis_url(self) -> str:
        return f"{REDIS_SERVER}/{int(self.options.get('redis_db') or 7)}"

    @property
    def chunk_bytes(self) -> int:
        return int(self.options.get("chunk_bytes") or DEFAULT_CHUNK_BYTES)

    def _python(self) -> str:
        return str(VENV / "bin" / "python")

    def _env(self, workdir: str) -> dict:
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
        data_dir = os.path.join(workdir, "data")
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "factcheck.settings",
                "FACTCHECK_DATA_DIR": data_dir,
                "SECRET_KEY": Path(data_dir, "secret_key").read_text().strip()
                if Path(data_dir, "secret_key").is_file()
                else "",
                "DEBUG": "false",
                "PYTHONUNBUFFERED": "1",
            }
        )
        if self.services:
            env["DATABASE_URL"] = f"{PG_SERVER}/{self.database}"
            env["REDIS_URL"] = self.redis_url
        return env

    def describe(self) -> dict:
        code = (
            "import importlib.metadata as m, json, sqlite3, sys; print(json.dumps("
            "{p: m.version(p) for p in ['Django', 'djangorestframework', 'gunicorn', 'celery',"
            " 'psycopg', 'redis']} | {'python': sys.version.split()[0],"
            " 'sqlite': sqlite3.sqlite_version}))"
        )
        versions = json.loads(
            subprocess.run(
                [self._python(), "-c", code], check=True, capture_output=True, text=True
            ).stdout
        )
        try:
            commit = subprocess.run(
                ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                check=True,
                capture_output=True,
                text=True,
            ).stdout.strip()
            dirty = subprocess.run(
                ["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
                check=True,
                capture_output=True,
                text=True,
            ).stdout.strip()
            versions["workbench_commit"] = commit + ("+uncommitted changes" if dirty else "")
        except (OSError, subprocess.CalledProcessError):
            pass
        web = (
            f"gunicorn factcheck.wsgi, {self.workers} workers x {self.threads} threads (gthread), "
            "bind 127.0.0.1, access log on (as `make run`)"
        )
        if self.services:
            settings = {
                "database": "PostgreSQL (DATABASE_URL, machine's server, fresh database)",
                "task_queue": "Celery prefork worker, concurrency 2, beat inside it; broker Redis (REDIS_URL)",
            }
        else:
            settings = {
                "database": "SQLite (embedded default: data/db.sqlite3 in FACTCHECK_DATA_DIR)",
                "task_queue": "the job table's worker (manage.py jobs work), the default without REDIS_URL",
            }
        settings.update(
            {
                "web": web,
                "DEBUG": False,
                "import": f"multipart JSONL file per request, chunks <= {self.chunk_bytes:,} bytes",
                "doc_model": "doc = Document; label = submitted annotation of its first claim",
                "page_size_param": "limit/offset",
            }
        )
        return {"system": self.name, "versions": versions, "settings": settings}

    # ---- lifecycle -------------------------------------------------------------------
    def _run(self, args: list[str], env: dict, log) -> None:
        subprocess.run(args, env=env, cwd=str(ROOT), stdout=log, stderr=log, check=True)

    def _reset_services(self, env: dict, log) -> None:
        code = (
            "import psycopg, redis\n"
            "with psycopg.connect('postgres://postgres@127.0.0.1:5432/postgres', autocommit=True) as c:\n"
            f"    c.execute('DROP DATABASE IF EXISTS {self.database} WITH (FORCE)')\n"
            f"    c.execute('CREATE DATABASE {self.database}')\n"
            f"redis.Redis.from_url({self.redis_url!r}).flushdb()\n"
        )
        self._run([self._python(), "-c", code], env, log)

    def prepare(self, workdir: str) -> None:
        data_dir = os.path.join(workdir, "data")
        os.makedirs(data_dir, exist_ok=True)
        Path(data_dir, "secret_key").write_text(secrets.token_urlsafe(50) + "\n")
        env = self._env(workdir)
        with open(os.path.join(workdir, "prepare.log"), "ab") as log:
            if self.services:
                self._reset_services(env, log)
            manage = [self._python(), "manage.py"]
            self._run(manage + ["migrate", "--noinput", "-v0"], env, log)
            env_user = dict(
                env,
                DJANGO_SUPERUSER_USERNAME=self.username,
                DJANGO_SUPERUSER_EMAIL="admin@example.org",
                DJANGO_SUPERUSER_PASSWORD=self.password,
            )
            self._run(manage + ["createsuperuser", "--noinput"], env_user, log)

    def launch(self, workdir: str, port: int) -> list[subprocess.Popen]:
        env = self._env(workdir)
        self._worker_log = os.path.join(workdir, "worker.log")
        procs = []
        web_log = open(os.path.join(workdir, "web.log"), "ab")
        procs.append(
            subprocess.Popen(
                [
                    self._python(),
                    "-m",
                    "gunicorn",
                    "factcheck.wsgi",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    str(self.workers),
                    "--threads",
                    str(self.threads),
                    "--access-logfile",
                    "-",
                ],
                env=env,
                cwd=str(ROOT),
                stdout=web_log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
        # The background workers `make run` starts beside the web server: Celery's worker
        # with beat (the sweeper) inside it with services, the job table's worker embedded.
        if self.services:
            workers = [
                [
                    "-m", "celery", "-A", "factcheck", "worker", "--beat", "--loglevel=info",
                    "--concurrency=2",
                ],
            ]  # fmt: skip
        else:
            workers = [["manage.py", "jobs", "work"]]
        worker_log = open(self._worker_log, "ab")
        for args in workers:
            procs.append(
                subprocess.Popen(
                    [self._python(), *args],
                    env=env,
                    cwd=str(ROOT),
                    stdout=worker_log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
        return procs

    def http_ready(self) -> bool:
        try:
            r = requests.get(self.url("/api/projects/"), timeout=5)
        except requests.RequestException:
            return False
        return r.status_code < 500

    def fully_ready(self) -> bool:
        """The web server answers and, with services, the Celery worker has connected to
        the broker and said `ready` (the workbench has no health endpoint; the embedded
        job worker polls the table from its start)."""
        if not self.http_ready():
            return False
        if not self.services:
            return True
        try:
            with open(self._worker_log, "rb") as f:
                return b" ready." in f.read()
        except OSError:
            return False

    def login(self) -> None:
        s = requests.Session()
        s.trust_env = False
        r = s.post(
            self.url("/api/auth/token/"),
            json={"username": self.username, "password": self.password},
            timeout=self.timeout,
        )
        self.token = check(r, 200).json()["token"]

    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Token {self.token}"} if self.token else {}

    # ---- workloads -------------------------------------------------------------------
    def create_project(self, name: str, labels: list[str]) -> Project:
        r = self.session().post(
            self.url("/api/projects/"),
            json={
                "name": name,
                "description": "peer benchmark",
                "rating_scale": "free-text",
                "checkworthiness_threshold": 0,
            },
            timeout=self.timeout,
        )
        slug = check(r, 201).json()["slug"]
        # Free-text verdicts: the label's name is what gets stored.
        return Project(id=slug, labels={label: label for label in labels}, extra={})

    def _docs_url(self, project: Project) -> str:
        return self.url(f"/api/projects/{project.id}/documents/")

    def _count(self, s, project: Project, **params) -> int:
        r = s.get(
            self._docs_url(project),
            params={"page_size": 1, "count": "true", **params},
            timeout=self.timeout,
        )
        return int(check(r, 200).json()["count"])

    def import_docs(self, project: Project, docs: list[str]) -> dict:
        s = self.session()
        chunks: list[bytes] = []
        current: list[bytes] = []
        size = 0
        for i, text in enumerate(docs):
            line = (json.dumps({"title": f"doc {i:06d}", "text": text}) + "\n").encode("utf-8")
            if current and size + len(line) > self.chunk_bytes:
                chunks.append(b"".join(current))
                current, size = [], 0
            current.append(line)
            size += len(line)
        if current:
            chunks.append(b"".join(current))
        t0 = time.perf_counter()
        created = 0
        for k, payload in enumerate(chunks):
            r = s.post(
                self._docs_url(project),
                files={"file": (f"docs-{k}.jsonl", payload, "application/x-ndjson")},
                timeout=self.long_timeout,
            )
            body = check(r, 201).json()
            created += len(body["documents"]) if "documents" in body else 1
        t_upload = time.perf_counter()
        if created != len(docs):
            raise AdapterError(f"server created {created} documents for {len(docs)} sent")
        # The documents are listed once the upload answers (the harness's W1 ends when the
        # list counts them all); their claims are extracted in the background. The untimed
        # `list_doc_ids` that follows waits for that and adds `claims_extracted_s` (from the
        # start of the upload) to these phases.
        phases = {
            "requests": len(chunks),
            "upload_bytes": sum(map(len, chunks)),
            "upload_s": round(t_upload - t0, 3),
        }
        project.extra["w1"] = (t0, phases)
        return phases

    def _wait_for_claims(self, s, project: Project) -> None:
        t0, phases = project.extra.pop("w1", (None, None))
        polls = 0
        deadline = time.monotonic() + self.long_timeout
        while True:
            pending = self._count(s, project, extraction_status="queued,running")
            polls += 1
            if pending == 0:
                break
            if time.monotonic() > deadline:
                raise AdapterError(
                    f"{pending} documents still extracting after {self.long_timeout}s"
                )
            time.sleep(0.1)
        if phases is not None:
            phases["claims_extracted_s"] = round(time.perf_counter() - t0, 3)
            phases["status_polls"] = polls
        failed = self._count(s, project, extraction_status="failed")
        if failed:
            raise AdapterError(f"claim extraction failed for {failed} documents")

    def count_docs(self, project: Project) -> int:
        return self._count(self.session(), project)

    def _claims(self, s, project: Project, **params):
        """Every claim of the project (cursor pages of 1000)."""
        url: str | None = self.url(f"/api/projects/{project.id}/claims/")
        query: dict | None = {"page_size": 1000, **params}
        while url:
            data = check(s.get(url, params=query, timeout=self.timeout), 200).json()
            yield from data["results"]
            url, query = data.get("next"), None

    def list_doc_ids(self, project: Project) -> list[int]:
        s = self.session()
        self._wait_for_claims(s, project)
        ids: list[int] = []
        url: str | None = self._docs_url(project)
        query: dict | None = {"page_size": 1000}
        while url:
            data = check(s.get(url, params=query, timeout=self.timeout), 200).json()
            ids.extend(d["id"] for d in data["results"])
            url, query = data.get("next"), None
        # Claims come ordered by (document, start, id): the first one seen is the
        # document's first sentence.
        first_claim: dict[int, int] = {}
        n_claims = 0
        for claim in self._claims(s, project):
            n_claims += 1
            first_claim.setdefault(claim["document"], claim["id"])
        missing = [d for d in ids if d not in first_claim]
        if missing:
            raise AdapterError(f"{len(missing)} documents have no claim (first: {missing[0]})")
        project.extra["claim_of_doc"] = first_claim
        project.extra["n_claims"] = n_claims
        return sorted(set(ids))

    def annotate(self, session, project: Project, doc_id: int, label: str) -> None:
        claim_id = project.extra["claim_of_doc"][doc_id]
        r = session.put(
            self.url(f"/api/claims/{claim_id}/annotation/"),
            json={
                "stance": "supported",
                "verdict": project.labels[label],
                "submit": True,
                "version": 0,
            },
            timeout=self.timeout,
        )
        check(r, 200)

    def count_annotated(self, project: Project) -> int:
        s = self.session()
        return len({c["document"] for c in self._claims(s, project, status=LABELLED_STATUSES)})

    def list_page(
        self, session, project: Project, offset: int, limit: int, text_filter: str | None = None
    ) -> int:
        """One page of `limit` documents at `offset`. The list is keyset-paginated: a page
        deep down is reached by following `next` links (done once, untimed, by the harness's
        first call for each variant), then fetched with one request to its cursor URL."""
        params = {"page_size": limit}
        if text_filter:
            params["q"] = text_filter
        if offset:
            key = f"page:{offset}:{limit}:{text_filter}"
            if key not in project.extra:
                project.extra[key] = self._page_url(session, project, offset, limit, params)
            url, params = project.extra[key], None
        else:
            url = self._docs_url(project)
        r = session.get(url, params=params, timeout=self.timeout)
        return len(check(r, 200).json()["results"])

    def _page_url(self, session, project: Project, offset: int, limit: int, params: dict) -> str:
        """The cursor URL of the page of `limit` documents that starts at `offset`: walk
        there in big pages (a step that divides the offset), then ask for `limit` only."""
        step = 1000 if offset % 1000 == 0 else limit
        url, query, position = self._docs_url(project), {**params, "page_size": step}, 0
        while position < offset:
            data = check(session.get(url, params=query, timeout=self.timeout), 200).json()
            if not data.get("next"):
                raise AdapterError(f"the list ends before offset {offset}")
            url, query, position = data["next"], None, position + step
        parts = urlsplit(url)
        cursor = dict(parse_qsl(parts.query), page_size=str(limit))
        return urlunsplit(parts._replace(query=urlencode(cursor)))

    def export(self, project: Project, annotated_only: bool) -> dict:
        params = {"format": "jsonl"}
        if annotated_only:
            params["status"] = LABELLED_STATUSES
        r = self.session().get(
            self.url(f"/api/projects/{project.id}/export/"),
            params=params,
            timeout=self.long_timeout,
        )
        check(r, 200)
        return {"bytes": len(r.content), "format": "JSONL (native, streamed)", "payload": r.content}

    def count_export_items(self, payload: bytes) -> dict:
        """Items = document records (one per harness doc); labelled = documents with at
        least one claim record carrying an annotation."""
        documents = set()
        labelled = set()
        claims = 0
        for line in payload.splitlines():
            if not line.strip():
                continue
            record = json.loads(line)
            if record["type"] == "document":
                documents.add(record["id"])
            elif record["type"] == "claim":
                claims += 1
                if record["annotations"]:
                    labelled.add(record["document"]["id"])
        return {
            "items": len(documents),
            "labelled": len(labelled),
            "uncompressed_bytes": len(payload),
            "claim_records": claims,
        }
