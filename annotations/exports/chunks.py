"""Claims read in chunks: keyset pagination over claim ids, on PostgreSQL by reader threads
on connections of their own, counted as they go. What a chunk holds is the caller's
`read(first, last)` (rows.ChunkReader, or a COPY of the PostgreSQL fast path)."""

from __future__ import annotations

import contextvars
import gc
import queue
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from django.db import connection, connections
from django.db.models import QuerySet

from ..models import Claim, Project
from .filters import ExportFilters

CHUNK_SIZE = 2000
READERS = 2

Chunk = TypeVar("Chunk")


class Progress:
    """Counts an export as it runs: claims read (of the filtered total) and records
    written (a format leaves out claims it cannot express). `on_read` is called after
    each chunk, which is how a background export reports its progress."""

    def __init__(self, on_read: Callable[[int], None] | None = None):
        self.read = 0
        self.written = 0
        self.on_read = on_read


def filtered_claims(project: Project, filters: ExportFilters | None = None) -> QuerySet:
    claims = Claim.objects.filter(project=project)
    return filters.apply(claims) if filters else claims


def count_claims(project: Project, filters: ExportFilters | None = None) -> int:
    return filtered_claims(project, filters).count()


def read_chunks(
    claims: QuerySet,
    read: Callable[[int, int], Chunk],
    progress: Progress | None = None,
    chunk_size: int | None = None,
    size: Callable[[Chunk], int] = len,
) -> Iterator[Chunk]:
    """`read(first, last)` for each chunk of `claims`, in id order, counted in `progress`
    (`size` says how many claims a chunk holds). On PostgreSQL outside a transaction the
    chunks are read by READERS threads on connections of their own while the caller
    writes: the database then works on one core while Python works on the other, and one
    reader's queries overlap another's reading."""
    bounds = chunk_bounds(claims, chunk_size or CHUNK_SIZE)
    if can_read_in_threads():
        chunks = read_in_threads(bounds, read, READERS)
    else:
        chunks = (read(first, last) for first, last in bounds)
    done = 0
    for chunk in chunks:
        yield chunk
        done += size(chunk)
        if progress is not None:
            progress.read = done
            if progress.on_read is not None:
                progress.on_read(done)


def chunk_bounds(claims: QuerySet, chunk_size: int) -> Iterator[tuple[int, int]]:
    """The first and last claim id of each chunk, from the ids alone. Keyset pagination:
    "id > last" on the primary key stays as fast on the last chunk as on the first."""
    last_id = 0
    while True:
        ids = list(
            claims.filter(id__gt=last_id).order_by("id").values_list("id", flat=True)[:chunk_size]
        )
        if not ids:
            return
        yield ids[0], ids[-1]
        if len(ids) < chunk_size:
            return
        last_id = ids[-1]


def can_read_in_threads() -> bool:
    """Another connection sees what this one sees only when this one is not inside a
    transaction (its uncommitted rows, its snapshot); SQLite gains nothing from it."""
    return connection.vendor == "postgresql" and not connection.in_atomic_block


def read_in_threads(
    bounds: Iterator[tuple[int, int]],
    read: Callable[[int, int], Chunk],
    readers: int,
) -> Iterator[Chunk]:
    """`read(first, last)` for each of `bounds`, in `readers` threads, yielded in order.
    At most `readers` + 1 chunks are asked for ahead of the one being written, so memory
    stays bounded. An error in a reader is raised here; a caller that stops early (a
    closed download) stops the readers, which close their connections."""
    todo: queue.Queue = queue.Queue()
    results: dict[int, object] = {}
    finished = threading.Condition()

    def work() -> None:
        try:
            while (item := todo.get()) is not None:
                index, (first, last) = item
                try:
                    result: object = read(first, last)
                except BaseException as error:  # noqa: BLE001 - raised in the caller's thread
                    result = error
                with finished:
                    results[index] = result
                    finished.notify_all()
        finally:
            connections.close_all()  # this thread's connections only

    threads = [
        threading.Thread(target=work, name=f"export-reader-{n}", daemon=True)
        for n in range(readers)
    ]
    for thread in threads:
        thread.start()
    try:
        asked, next_index = 0, 0
        for first_last in bounds:
            todo.put((asked, first_last))
            asked += 1
            while asked - next_index > readers:
                yield take(results, finished, next_index)
                next_index += 1
        while next_index < asked:
            yield take(results, finished, next_index)
            next_index += 1
    finally:
        for _ in threads:
            todo.put(None)
        for thread in threads:
            thread.join()


def take(results: dict[int, object], finished: threading.Condition, index: int) -> Any:
    with finished:
        finished.wait_for(lambda: index in results)
        result = results.pop(index)
    if isinstance(result, BaseException):
        raise result
    return result  # type: ignore[return-value]


class CollectionsPaused:
    """No cyclic garbage collection while chunks are built. Building one allocates some
    hundred thousand dicts and lists, none of them in a cycle, and each allocation burst
    set off collections that scanned every object in the process: about a quarter of an
    export's time. Counted, so that readers in several threads pause and resume it
    together; nothing in the block yields, so a pause never outlasts the reading."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.readers = 0
        self.was_enabled = False

    def __enter__(self) -> None:
        with self.lock:
            if self.readers == 0:
                self.was_enabled = gc.isenabled()
                gc.disable()
            self.readers += 1

    def __exit__(self, *exc_info: object) -> None:
        with self.lock:
            self.readers -= 1
            if self.readers == 0 and self.was_enabled:
                gc.enable()


collections_paused = CollectionsPaused()

# Set by pausing_collections(): True while an export runs in a process that serves
# nothing else meanwhile.
may_pause = contextvars.ContextVar("may_pause_collections", default=False)


@contextmanager
def pausing_collections() -> Iterator[None]:
    """Exports run in this block pause cyclic garbage collection while each chunk is built
    (collections_paused): for a process that does nothing else meanwhile, a background
    export's worker or the export command. A web worker never enters it: its other threads
    serve requests, whose garbage would wait for the whole download."""
    token = may_pause.set(True)
    try:
        yield
    finally:
        may_pause.reset(token)
