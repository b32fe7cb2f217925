"""Engines: run the per-document text stages one by one, on every core, or on Dask.

Documents stream through: at most a few batches per worker are in flight, so
memory stays flat however large the corpus. Every engine yields results in
input order, which keeps outputs identical whichever engine ran.
"""

from __future__ import annotations

import gc
import hashlib
import multiprocessing
import os
import pickle
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import ExitStack, suppress
from functools import lru_cache
from itertools import chain, islice
from pathlib import Path
from typing import Any

from geomap.config import GazetteerSettings, Settings
from geomap.errors import ConfigError, GeomapError, OutputError
from geomap.events import extract_events
from geomap.gazetteer import Gazetteer, gazetteer_sha, load_gazetteer, world_cache
from geomap.geoparse import find_mentions
from geomap.records import Document, Event
from geomap.temporal import date_mentions

__all__ = ["Outcome", "gazetteer_sha", "process_document", "process_stream"]

Outcome = tuple[Document | GeomapError, list[Event]]
_BATCH = 64


def process_document(doc: Document, gazetteer: Gazetteer, settings: Settings) -> list[Event]:
    """Run the text stages on one document: mentions, dates, events."""
    mentions = find_mentions(doc, gazetteer, settings.geoparse)
    dated = date_mentions(doc, mentions, settings.temporal)
    return extract_events(doc, dated, settings.events)


def process_stream(
    items: Iterable[Document | GeomapError],
    settings: Settings,
    gazetteer: Gazetteer | None = None,
) -> Iterator[Outcome]:
    """Events for each document (errors pass through with no events), in input order.

    Without ``gazetteer``, the one ``settings.gazetteer`` describes is loaded
    here when documents are processed in this process or by workers forked
    from it, which share its memory; where processes cannot be forked, and on
    Dask, each worker loads its own.
    """
    cache = None
    if settings.engine.cache:
        cache = _Cache(settings, gazetteer.sha if gazetteer is not None else gazetteer_sha(settings.gazetteer))
    jobs = settings.engine.jobs or os.cpu_count() or 1
    runner: _PoolRunner | _DaskRunner | None = None
    if settings.engine.kind == "dask":
        runner = _DaskRunner(settings, jobs)
    elif jobs > 1:
        # Worker processes each load the gazetteer: worth it only beyond one batch,
        # so peek that far; one job reads one document at a time.
        iterator = iter(items)
        head = list(islice(iterator, _BATCH + 1))
        items = chain(head, iterator)
        if len(head) > _BATCH:
            runner = _PoolRunner(settings, jobs)
    if runner is None:
        for item in items:
            if isinstance(item, GeomapError):
                yield item, []
                continue
            events = cache.get(item) if cache else None
            if events is None:
                if gazetteer is None:
                    gazetteer = load_gazetteer(settings.gazetteer)
                events = process_document(item, gazetteer, settings)
                if cache:
                    cache.put(item, events)
            yield item, events
        return
    if isinstance(runner, _PoolRunner) and runner.forks:
        runner.share(gazetteer or load_gazetteer(settings.gazetteer))
    elif gazetteer is None:
        _build_world_cache(settings.gazetteer)
    with runner:
        yield from _batched(items, runner, cache, jobs)


def _build_world_cache(cfg: GazetteerSettings) -> None:
    """Build a missing world cache once, here, rather than in every worker at once (1 GB each)."""
    cache_file = world_cache(cfg)
    if cache_file is not None and not cache_file.exists():
        load_gazetteer(cfg)  # writes the cache; the places themselves are dropped again


def _batched(items, runner, cache, jobs) -> Iterator[Outcome]:
    pending: deque[tuple[list[tuple[Any, list[Event] | None]], Future | None]] = deque()
    iterator = iter(items)
    while True:
        while len(pending) < 2 * jobs:
            batch = [
                (item, None if isinstance(item, GeomapError) or cache is None else cache.get(item))
                for item in islice(iterator, _BATCH)
            ]
            if not batch:
                break
            todo = [item for item, hit in batch if hit is None and not isinstance(item, GeomapError)]
            pending.append((batch, runner.submit(todo) if todo else None))
        if not pending:
            return
        batch, future = pending.popleft()
        computed = iter(future.result() if future is not None else ())
        for item, hit in batch:
            if isinstance(item, GeomapError):
                yield item, []
            elif hit is not None:
                yield item, hit
            else:
                events = next(computed)
                if cache:
                    cache.put(item, events)
                yield item, events


# The gazetteer a forked worker inherits from its parent, by settings.
_inherited: dict[GazetteerSettings, Gazetteer] = {}


@lru_cache(maxsize=2)
def _worker_gazetteer(cfg: GazetteerSettings) -> Gazetteer:
    # One load per worker process, reused for every batch it runs.
    return load_gazetteer(cfg)


def _run_batch(docs: list[Document], settings: Settings) -> list[list[Event]]:
    gazetteer = _inherited.get(settings.gazetteer) or _worker_gazetteer(settings.gazetteer)
    return [process_document(d, gazetteer, settings) for d in docs]


class _PoolRunner:
    """Worker processes on this machine; forked where the platform can, so that they share the gazetteer."""

    def __init__(self, settings: Settings, jobs: int) -> None:
        self._settings = settings
        self._jobs = jobs
        self.forks = "fork" in multiprocessing.get_all_start_methods()
        self._pool: ProcessPoolExecutor | None = None

    def share(self, gazetteer: Gazetteer) -> None:
        """Hand ``gazetteer`` to the workers, which are forked now, before any document is sent.

        The automaton and the place arrays are C memory that reference counting
        never writes to, so the pages stay shared between all the processes:
        one copy of the world gazetteer in RAM, and no load in any worker.
        Frozen objects are left out of the workers' garbage collections, which
        would otherwise touch, and so copy, every page of Python objects.
        """
        _inherited[self._settings.gazetteer] = gazetteer
        gc.freeze()
        self._pool = ProcessPoolExecutor(max_workers=self._jobs, mp_context=multiprocessing.get_context("fork"))
        # A forked pool starts all its workers at the first submission.
        self._pool.submit(int).result()
        gc.unfreeze()

    def submit(self, docs: list[Document]) -> Future:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=self._jobs)
        return self._pool.submit(_run_batch, docs, self._settings)

    def __enter__(self) -> _PoolRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
        _inherited.pop(self._settings.gazetteer, None)


class _DaskRunner:
    def __init__(self, settings: Settings, jobs: int) -> None:
        try:
            from dask.distributed import Client, LocalCluster
        except ImportError as err:
            raise ConfigError("engine.kind", "the dask engine needs `pip install geomap[dask]`") from err
        self._settings = settings
        address = settings.engine.scheduler
        # Whatever was started is closed again, in reverse order, even if a later step fails.
        with ExitStack() as started:
            cluster = None
            if not address:
                cluster = started.enter_context(
                    LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=None)
                )
            self._client = started.enter_context(Client(address or cluster))
            self._resources = started.pop_all()

    def submit(self, docs: list[Document]) -> Future:
        return self._client.submit(_run_batch, docs, self._settings, pure=False)

    def __enter__(self) -> _DaskRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        self._resources.close()


class _Cache:
    """Events per document, keyed by its content and every setting that shapes them."""

    def __init__(self, settings: Settings, gazetteer_sha: str) -> None:
        self._dir = Path(settings.engine.cache_dir or Path(settings.out) / ".cache")
        shaping = {k: settings.model_dump(mode="json")[k] for k in ("geoparse", "temporal", "events")}
        self._salt = f"{gazetteer_sha}:{sorted(shaping.items())}:{_code_version()}"

    def _path(self, doc: Document) -> Path:
        h = hashlib.sha256(self._salt.encode())
        for part in (doc.name, doc.text, str(doc.published), doc.title or "", doc.source or "", doc.url or ""):
            h.update(b"\0" + part.encode("utf-8", "surrogatepass"))
        key = h.hexdigest()
        return self._dir / key[:2] / f"{key}.pickle"

    def get(self, doc: Document) -> list[Event] | None:
        path = self._path(doc)
        try:
            with path.open("rb") as f:
                events = pickle.load(f)
        except FileNotFoundError:
            return None
        # A truncated or foreign file is a miss: the document is processed again.
        except (OSError, pickle.UnpicklingError, EOFError, ImportError, LookupError, AttributeError,
                TypeError, ValueError):
            return None
        if not isinstance(events, list) or not all(isinstance(e, Event) for e in events):
            return None
        return events

    def put(self, doc: Document, events: list[Event]) -> None:
        path = self._path(doc)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_bytes(pickle.dumps(events, protocol=pickle.HIGHEST_PROTOCOL))
            os.replace(tmp, path)
        except OSError as err:
            with suppress(OSError):
                tmp.unlink()
            raise OutputError(path.parent, f"cannot write the document cache ({err.strerror or err})") from err


@lru_cache(maxsize=1)
def _code_version() -> str:
    """A hash of the source the text stages run, so a code change invalidates cached events.

    The records are in it too: a pickled event of an older shape would load
    without error and lack attributes later.
    """
    import geomap.dates
    import geomap.events
    import geomap.gazetteer.local
    import geomap.geoparse
    import geomap.records
    import geomap.temporal
    import geomap.text

    h = hashlib.sha256()
    for module in (
        geomap.records, geomap.text, geomap.dates, geomap.gazetteer.local,
        geomap.geoparse, geomap.temporal, geomap.events,
    ):
        h.update(Path(module.__file__).read_bytes())
    return h.hexdigest()[:12]
