"""The pipeline: ingest → geoparse → temporal → events → aggregate → render.

This is the only module that knows every stage; each stage is a plain
function over records and gets its own settings as a value.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from geomap.aggregate import aggregate
from geomap.config import Settings
from geomap.engine import gazetteer_sha, process_document, process_stream
from geomap.errors import GeomapError, InputError
from geomap.gazetteer import Gazetteer
from geomap.ingest import expand_inputs, iter_documents
from geomap.records import Aggregates, Document, Event

__all__ = ["RunResult", "extract", "process_document", "provenance", "run"]


@dataclass
class RunResult:
    """What a run produced: the aggregates, the files written and what was skipped.

    ``events``, ``places`` and ``regions`` are GeoDataFrames and ``map`` is the
    folium map (it displays inline in Jupyter); they are built on first use.
    """

    aggregates: Aggregates
    settings: Settings
    provenance: dict[str, Any]
    outputs: list[Path] = field(default_factory=list)
    documents: int = 0
    skipped: list[GeomapError] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    seconds: float = 0.0
    _frames: dict[str, Any] | None = field(default=None, repr=False)

    def _frame(self, name: str) -> Any:
        if self._frames is None:
            from geomap.render import to_geodataframes

            self._frames = to_geodataframes(self.aggregates, self.settings.render)
        return self._frames[name]

    @property
    def events(self) -> Any:
        """One row per event report (GeoDataFrame, EPSG:4326)."""
        return self._frame("events")

    @property
    def places(self) -> Any:
        """One row per place with first and last dates (GeoDataFrame)."""
        return self._frame("places")

    @property
    def regions(self) -> Any:
        """Region polygons with their first day of unrest (GeoDataFrame)."""
        return self._frame("regions")

    @property
    def map(self) -> Any:
        """The interactive folium map."""
        from geomap.render import build_map

        return build_map(self.aggregates, self.settings.render, self.provenance)

    def summary(self) -> str:
        """One line: documents, skipped, events, places, days, seconds."""
        agg = self.aggregates
        span = f", {agg.days[0]} to {agg.days[-1]}" if agg.days else ""
        return (
            f"{self.documents} documents read, {len(self.skipped)} skipped, {len(agg.events)} events at "
            f"{len(agg.places)} places over {len(agg.days)} days{span} in {self.seconds:.1f} s"
        )


def provenance(settings: Settings, gazetteer: Gazetteer | str) -> dict[str, Any]:
    """The stamp every output carries, so reruns can be compared.

    ``gazetteer`` is the gazetteer used or just its ``sha``.
    """
    try:
        release = version("geomap")
    except PackageNotFoundError:  # a source tree that was never installed
        release = "0.0.0"
    sha = gazetteer if isinstance(gazetteer, str) else gazetteer.sha
    return {"version": release, "config_id": settings.stamp(), "gazetteer_sha": sha}


def run(
    inputs: str | Path | Sequence[str | Path],
    settings: Settings | None = None,
    *,
    config_file: str | Path | None = None,
    write: bool = True,
    on_document: Callable[[Document | GeomapError, int], None] | None = None,
    **overrides: Any,
) -> RunResult:
    """Read articles, find where and when unrest happened, write the outputs.

    Parameters
    ----------
    inputs : path, glob or sequence of them
        Files, folders (every supported file inside) or globs.
    settings : Settings, optional
        Built by the caller (the CLI does); otherwise loaded from ``config_file``,
        the ``GEOMAP_*`` environment and ``overrides`` (e.g. ``out="maps"``,
        ``temporal={"window_days": 10}``).
    write : bool
        Write the output files into ``settings.out``.
    on_document : callable, optional
        Called after each document (or skipped file) with the running count;
        the CLI drives its progress bar with it.

    Returns
    -------
    RunResult

    Raises
    ------
    InputError
        When no input could be read at all.
    """
    result = _read(inputs, settings, config_file, on_document, overrides)
    if write:
        from geomap.render import write_outputs

        result.outputs = write_outputs(
            result.aggregates, result.settings.render, Path(result.settings.out), result.provenance
        )
    result.seconds = time.perf_counter() - result.seconds
    return result


def extract(
    inputs: str | Path | Sequence[str | Path],
    settings: Settings | None = None,
    *,
    config_file: str | Path | None = None,
    on_document: Callable[[Document | GeomapError, int], None] | None = None,
    **overrides: Any,
) -> RunResult:
    """Run the text stages only and write ``events.geojson`` and ``events.jsonl``.

    For pipelines and corpora too large to map at once: no map, no images.
    Takes the same arguments as :func:`run`.
    """
    from geomap.render import write_events

    result = _read(inputs, settings, config_file, on_document, overrides)
    result.outputs = write_events(result.aggregates, Path(result.settings.out), result.provenance)
    result.seconds = time.perf_counter() - result.seconds
    return result


_HELD = 256


def _corpus_dated(items: Iterable[Document | GeomapError]) -> Iterator[Document | GeomapError]:
    """Give a document with no publication date the median date of the others in the run.

    Articles collected together report the same unrest; the corpus's own dates
    are the best anchor for an undated one's "on Wednesday" (basis "corpus").
    Undated documents wait, at most a few hundred at a time, for that median.
    """
    dates: list[date] = []
    held: list[Document] = []

    def release() -> Iterator[Document]:
        anchor = statistics.median_low(dates) if dates else None
        for doc in held:
            yield doc if anchor is None else replace(doc, published=anchor, published_basis="corpus")
        held.clear()

    for item in items:
        if isinstance(item, Document) and item.published is None:
            held.append(item)
            if len(held) >= _HELD:
                yield from release()
            continue
        if isinstance(item, Document) and item.published is not None:
            dates.append(item.published)
        yield item
    yield from release()


def _compact(event: Event, shared: dict[Any, Any]) -> Event:
    """``event`` with each of its values replaced by the first equal one ``shared`` has seen.

    Events come back from worker processes unpickled batch by batch, each with
    its own copies of the same places, dates, labels and sentences; a run holds
    every event until it aggregates, so one copy of each keeps its memory low.
    Equal values are interchangeable: the outputs do not change.

    Examples
    --------
    >>> from geomap.records import Place
    >>> shared = {}
    >>> a = [Event("d1", Place("x:1", "A", 0.0, 0.0, "city", "XX"), None, ("protest",), ("Crowds gathered.",))
    ...      for _ in range(2)]
    >>> b = [_compact(e, shared) for e in a]
    >>> b == a, b[0].place is b[1].place
    (True, True)
    """
    one = shared.setdefault
    # Each event here is new to this run (from a worker's pickle, the cache or
    # process_document) and nothing else holds it yet, so its fields are swapped
    # in place: dataclasses.replace would build every event of the run anew, at
    # several times the cost.
    for name in _SHARED_FIELDS:
        value = getattr(event, name)
        object.__setattr__(event, name, one(value, value))
    evidence = tuple(one(sentence, sentence) for sentence in event.evidence)
    object.__setattr__(event, "evidence", one(evidence, evidence))
    return event


_SHARED_FIELDS = (
    "doc", "place", "date", "event_types", "event_type", "sub_event_type", "end_date",
    "date_precision", "date_basis", "title", "source", "url",
)


def _read(
    inputs: str | Path | Sequence[str | Path],
    settings: Settings | None,
    config_file: str | Path | None,
    on_document: Callable[[Document | GeomapError, int], None] | None,
    overrides: dict[str, Any],
) -> RunResult:
    started = time.perf_counter()
    if settings is None:
        settings = Settings.load(config_file, **overrides)
    if isinstance(inputs, (str, Path)):
        inputs = [inputs]
    paths = expand_inputs(inputs, settings.ingest)
    # The places load only where documents are processed: in worker processes
    # for a large corpus, so this process never holds the world gazetteer.
    sha = gazetteer_sha(settings.gazetteer)
    events: list[Event] = []
    shared: dict[Any, Any] = {}
    documents = 0
    skipped: list[GeomapError] = []
    notices: list[str] = []
    documents_in = iter_documents(paths, settings.ingest)
    if settings.ingest.corpus_dates:
        documents_in = _corpus_dated(documents_in)
    for item, found in process_stream(documents_in, settings):
        if isinstance(item, GeomapError):
            if settings.engine.strict:
                raise item
            skipped.append(item)
        else:
            documents += 1
            if item.encoding not in ("utf-8", "utf-8-sig", "ascii"):
                notice = f"{item.path or item.name}: read as {item.encoding}"
                if notice not in notices[-1:]:  # once per file, not per JSONL/CSV record
                    notices.append(notice)
            events.extend(_compact(e, shared) for e in found)
            if not found:
                notices.append(f"{item.path or item.name}: no event places found")
        if on_document is not None:
            on_document(item, documents + len(skipped))
    if documents == 0:
        names = ", ".join(str(p) for p in inputs)
        reason = skipped[0].message if skipped else "no documents found"
        raise InputError(names, f"no input could be read ({reason})")
    agg = aggregate(events, settings.aggregate)
    stamp = provenance(settings, sha)
    # seconds holds the start time until the caller has written the outputs.
    return RunResult(agg, settings, stamp, documents=documents, skipped=skipped, notices=notices, seconds=started)
