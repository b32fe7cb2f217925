"""Render: draw the aggregates as GIS files, an offline interactive map, images and a report.

Render reads records only; it never parses text and never imports a pipeline
stage. It is the only part of geomap that imports folium, matplotlib or pyogrio.

Output names are fixed: ``events.geojson``, ``places.geojson``,
``spread.geojson``, ``regions.geojson``, ``background.geojson`` (events older
than the temporal window, kept off the maps), ``geomap.gpkg``, ``events.csv``,
``map.html``, ``map_fragment.html``, ``spread.png``, ``spread.svg``,
``timeline.png`` and ``report.html``.

Examples
--------
>>> import tempfile
>>> from geomap.config import RenderSettings
>>> out = Path(tempfile.mkdtemp())
>>> cfg = RenderSettings(html=False, png=False, gpkg=False, report=False)
>>> [p.name for p in write_outputs(Aggregates((), (), ()), cfg, out, {"version": "0.1.0"})]
['events.geojson', 'places.geojson', 'spread.geojson', 'regions.geojson', 'background.geojson', 'events.csv']
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any, TextIO

from geomap.config import RenderSettings
from geomap.errors import OutputError
from geomap.records import Aggregates, Event
from geomap.render._common import stamp
from geomap.render._io import atomic_write, staged, write_bytes, write_text
from geomap.render.geojson import (
    event_columns,
    iter_event_json,
    place_features,
    region_features,
    sorted_events,
    spread_features,
    write_collection,
    write_collection_text,
)

__all__ = ["build_map", "to_geodataframes", "write_events", "write_outputs"]

# folium, matplotlib and geopandas take seconds to import: they load only when
# a map, an image or a GeoPackage is asked for, so `geomap extract` stays fast.


def build_map(agg: Aggregates, cfg: RenderSettings, provenance: Mapping[str, Any]) -> Any:
    """The interactive folium map, every asset inlined (see :mod:`geomap.render.html_map`)."""
    from geomap.render.html_map import build_map as _build

    return _build(agg, cfg, provenance)


def to_geodataframes(agg: Aggregates, cfg: RenderSettings) -> dict[str, Any]:
    """Events, places, spread and regions as GeoDataFrames (see :mod:`geomap.render.tables`)."""
    from geomap.render.tables import to_geodataframes as _frames

    return _frames(agg, cfg)


def write_events(agg: Aggregates, out: Path, provenance: Mapping[str, Any]) -> list[Path]:
    """Write ``events.geojson`` and ``events.jsonl`` (one GeoJSON feature per line) into ``out``.

    Examples
    --------
    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp())
    >>> [p.name for p in write_events(Aggregates((), (), ()), out, {"version": "0.1.0"})]
    ['events.geojson', 'events.jsonl']
    """
    out = _folder(out)
    paths = [out / "events.geojson", out / "events.jsonl"]
    # One pass over the events writes both files from the same text, one feature
    # at a time: a corpus's worth of features or JSON text is never held at once.
    with ExitStack() as files:
        collection, lines = (_open_text(files, path) for path in paths)

        def features() -> Iterator[str]:
            for feature in iter_event_json(sorted_events(agg.events)):
                lines.write(feature + "\n")
                yield feature

        write_collection_text(collection, features(), stamp(provenance))
    return paths


def _open_text(files: ExitStack, path: Path) -> TextIO:
    """Open a temporary file for ``path`` as UTF-8 text; closing ``files`` moves it onto ``path``."""
    tmp = files.enter_context(atomic_write(path))
    return files.enter_context(open(tmp, "w", encoding="utf-8", newline="", buffering=_BUFFER))


def _write_streamed(
    path: Path, features: Iterable[Any], block: Mapping[str, Any], *, encoded: bool = False
) -> Path:
    """Write a FeatureCollection feature by feature (the bytes ``dumps`` makes) and return ``path``.

    ``features`` are feature dicts, or with ``encoded`` their JSON text.
    """
    with ExitStack() as files:
        write = write_collection_text if encoded else write_collection
        write(_open_text(files, path), features, block)
    return path


_BUFFER = 1 << 20


def _folder(out: Path) -> Path:
    out = Path(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise OutputError(out, f"cannot create the output folder ({err.strerror or err})") from err
    return out


def write_outputs(
    agg: Aggregates, cfg: RenderSettings, out: Path, provenance: Mapping[str, Any]
) -> list[Path]:
    """Write every output ``cfg`` asks for into ``out`` and return their paths, in a fixed order.

    GeoJSON files are always written; ``cfg.gpkg``, ``cfg.csv``, ``cfg.html``,
    ``cfg.png`` and ``cfg.report`` switch the others. Every file goes to a
    temporary name first and they all replace the previous outputs together,
    once every one is written: a failed run leaves the old set intact. Data
    files carry ``provenance`` (minus its ``generated`` time) as a top-level
    ``"geomap"`` block, so reruns are byte-identical.

    Raises
    ------
    OutputError
        When ``out`` cannot be created or a file cannot be written.
    """
    out = _folder(out)
    with staged():
        return _write_all(agg, cfg, out, provenance)


_CHUNK = 50_000  # events per GeoPackage/CSV chunk: a few hundred MB of rows at most


def _write_tables(
    events: Sequence[Event],
    places: list[dict[str, Any]],
    spread: list[dict[str, Any]],
    regions: list[dict[str, Any]],
    cfg: RenderSettings,
    out: Path,
) -> list[Path]:
    """``geomap.gpkg`` and ``events.csv``, the events taken a chunk at a time so that memory stays bounded."""
    from geomap.render import tables

    with ExitStack() as files:
        csv_file = _open_text(files, out / "events.csv") if cfg.csv else None
        write_layer = files.enter_context(tables.gpkg_writer(out / "geomap.gpkg")) if cfg.gpkg else None
        if csv_file is not None:
            csv_file.write(tables.csv_header())
        for start in range(0, max(len(events), 1), _CHUNK):
            columns = event_columns(events[start : start + _CHUNK])
            if csv_file is not None:
                csv_file.write(tables.csv_rows(columns, cfg))
            if write_layer is not None:
                write_layer("events", tables.event_frame(columns))
        if write_layer is not None:
            for name, frame in tables.feature_frames(places, spread, regions).items():
                write_layer(name, frame)
    return [path for path, wanted in ((out / "geomap.gpkg", cfg.gpkg), (out / "events.csv", cfg.csv)) if wanted]


def _write_all(agg: Aggregates, cfg: RenderSettings, out: Path, provenance: Mapping[str, Any]) -> list[Path]:
    block = stamp(provenance)
    written: list[Path] = []
    # Each layer is made once and feeds every file it appears in: the GeoJSON,
    # the GeoPackage and the CSV.
    events = sorted_events(agg.events)
    places, spread, regions = place_features(agg), spread_features(agg), region_features(agg, cfg)
    written.append(_write_streamed(out / "events.geojson", iter_event_json(events), block, encoded=True))
    for name, features in (("places.geojson", places), ("spread.geojson", spread), ("regions.geojson", regions)):
        written.append(_write_streamed(out / name, features, block))
    background = iter_event_json(sorted_events(agg.background))
    written.append(_write_streamed(out / "background.geojson", background, block, encoded=True))
    if cfg.gpkg or cfg.csv:
        written += _write_tables(events, places, spread, regions, cfg, out)
    if cfg.html:
        from geomap.render.html_map import fragment_html, map_html

        m = build_map(agg, cfg, provenance)
        written.append(write_text(out / "map.html", map_html(m)))
        written.append(write_text(out / "map_fragment.html", fragment_html(m)))
    images: dict[str, bytes] = {}
    if cfg.png or cfg.report:
        from geomap.render.static import figure_bytes, spread_figure, timeline_figure

        spread = spread_figure(agg, cfg, provenance)
        timeline = timeline_figure(agg, cfg, provenance)
        images = {"spread.png": figure_bytes(spread, "png"), "timeline.png": figure_bytes(timeline, "png")}
        if cfg.png:
            written.append(write_bytes(out / "spread.png", images["spread.png"]))
            written.append(write_bytes(out / "spread.svg", figure_bytes(spread, "svg")))
            written.append(write_bytes(out / "timeline.png", images["timeline.png"]))
    if cfg.report:
        from geomap.render.report import report_html

        links = [p.name for p in written]
        written.append(write_text(out / "report.html", report_html(agg, cfg, provenance, images, links)))
    return written
