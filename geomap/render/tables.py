"""GeoDataFrames, the GeoPackage and the ACLED-style CSV, all built from the GeoJSON features' fields.

Examples
--------
>>> from geomap.config import RenderSettings
>>> frames = to_geodataframes(Aggregates((), (), ()), RenderSettings())
>>> sorted(frames), len(frames["events"]), frames["events"].crs.to_epsg()
(['events', 'places', 'regions', 'spread'], 0, 4326)
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import geopandas
import pandas
import pyogrio
from shapely.geometry import shape

from geomap.config import RenderSettings
from geomap.errors import OutputError
from geomap.records import Aggregates
from geomap.render._io import atomic_write
from geomap.render.boundaries import country_names
from geomap.render.geojson import (
    EVENT_FIELDS,
    PLACE_FIELDS,
    REGION_FIELDS,
    SPREAD_FIELDS,
    event_columns,
    lon_lat,
    place_features,
    region_features,
    sorted_events,
    spread_features,
)

__all__ = [
    "CSV_COLUMNS",
    "LAYERS",
    "csv_header",
    "csv_rows",
    "event_frame",
    "feature_frames",
    "events_csv",
    "frame_from_columns",
    "frames_from_features",
    "gpkg_writer",
    "layer_frames",
    "to_geodataframes",
    "write_gpkg",
]

LAYERS: dict[str, tuple[dict[str, str], str]] = {
    "events": (EVENT_FIELDS, "Point"),
    "places": (PLACE_FIELDS, "Point"),
    "spread": (SPREAD_FIELDS, "LineString"),
    "regions": (REGION_FIELDS, "MultiPolygon"),
}
"""Layer name → (fields, geometry type), in the order they are written."""

CSV_COLUMNS = (
    "event_date", "event_type", "sub_event_type", "country", "admin1", "location", "latitude", "longitude",
    "geo_precision", "time_precision", "source", "notes", "doc", "place_id",
)  # fmt: skip
_TIME_PRECISION = {"day": 1, "week": 2, "month": 3}
# ACLED geo_precision: 1 a named town or place, 2 near it or part of a region, 3 only the region is known.
_GEO_PRECISION = {"city": 1, "town": 1, "village": 1, "landmark": 1, "region": 3, "country": 3}
_GPKG_DROP = ("evidence_all",)  # duplicates `evidence`, which already joins every sentence


def _column(values: Sequence[Any], kind: str) -> pandas.Series:
    if kind == "date":
        return pandas.Series(
            pandas.to_datetime(pandas.Series(values, dtype=object), format="%Y-%m-%d"), dtype="datetime64[ms]"
        )
    if kind == "int":
        return pandas.Series(values, dtype="int64")
    if kind == "float":
        return pandas.Series(values, dtype="float64")
    if kind == "bool":
        return pandas.Series(values, dtype="bool")
    if kind == "list":
        return pandas.Series(values, dtype=object)
    return pandas.Series(values, dtype="str")


def frame_from_columns(
    columns: Mapping[str, Sequence[Any]], fields: Mapping[str, str], geometry: Any
) -> geopandas.GeoDataFrame:
    """Build a GeoDataFrame (EPSG:4326) with one typed column per field from value lists.

    ``columns`` maps each field to its values, row by row (a missing field is all
    ``None``); ``geometry`` is anything :class:`geopandas.GeoSeries` takes, one
    shape per row. Dates become ``datetime64`` columns and lists stay Python lists.

    Examples
    --------
    >>> frame = frame_from_columns({"n": [1]}, {"n": "int"}, geopandas.points_from_xy([2.0], [1.0]))
    >>> frame["n"].tolist(), frame.geometry.iloc[0].wkt, frame.crs.to_epsg()
    ([1], 'POINT (2 1)', 4326)
    """
    rows = len(geometry)
    data = {name: _column(columns.get(name, [None] * rows), kind) for name, kind in fields.items()}
    return geopandas.GeoDataFrame(data, geometry=geopandas.GeoSeries(geometry, crs="EPSG:4326"), crs="EPSG:4326")


def frames_from_features(
    features: list[dict[str, Any]], fields: Mapping[str, str], geometry_type: str
) -> geopandas.GeoDataFrame:
    """Build a GeoDataFrame (EPSG:4326) with one typed column per field, even with no features.

    Dates become ``datetime64`` columns and lists stay Python lists.
    """
    columns = {name: [f["properties"].get(name) for f in features] for name in fields}
    return frame_from_columns(columns, fields, [shape(f["geometry"]) for f in features])


def event_frame(columns: Mapping[str, Sequence[Any]]) -> geopandas.GeoDataFrame:
    """The events layer from :func:`~geomap.render.geojson.event_columns`.

    The points are made from the coordinate columns at once, at the position
    ``events.geojson`` gives each event; making a shape per feature is the slow way.
    """
    positions = [lon_lat(lat, lon) for lat, lon in zip(columns["lat"], columns["lon"], strict=True)]
    geometry = geopandas.points_from_xy([x for x, _ in positions], [y for _, y in positions])
    return frame_from_columns(columns, EVENT_FIELDS, geometry)


def layer_frames(
    events: Mapping[str, Sequence[Any]],
    places: list[dict[str, Any]],
    spread: list[dict[str, Any]],
    regions: list[dict[str, Any]],
) -> dict[str, geopandas.GeoDataFrame]:
    """Every layer of :data:`LAYERS` as a GeoDataFrame: the events' columns and the other layers' features.

    A caller that already made these for the GeoJSON files builds the frames
    without making them again.
    """
    return {"events": event_frame(events), **feature_frames(places, spread, regions)}


def feature_frames(
    places: list[dict[str, Any]], spread: list[dict[str, Any]], regions: list[dict[str, Any]]
) -> dict[str, geopandas.GeoDataFrame]:
    """The ``places``, ``spread`` and ``regions`` layers as GeoDataFrames, from their features."""
    frames = {}
    for name, features in (("places", places), ("spread", spread), ("regions", regions)):
        fields, geometry_type = LAYERS[name]
        frames[name] = frames_from_features(features, fields, geometry_type)
    return frames


def to_geodataframes(agg: Aggregates, cfg: RenderSettings) -> dict[str, geopandas.GeoDataFrame]:
    """``events``, ``places``, ``spread`` and ``regions`` as GeoDataFrames with the GeoJSON fields."""
    return layer_frames(
        event_columns(sorted_events(agg.events)),
        place_features(agg),
        spread_features(agg),
        region_features(agg, cfg),
    )


def _for_gpkg(frame: geopandas.GeoDataFrame, fields: Mapping[str, str]) -> geopandas.GeoDataFrame:
    frame = frame.drop(columns=[c for c in _GPKG_DROP if c in frame.columns])
    for name, kind in fields.items():
        if kind == "list" and name in frame.columns:
            frame[name] = pandas.Series(
                ["; ".join(map(str, v)) for v in frame[name]], index=frame.index, dtype="str"
            )
    return frame


def write_gpkg(frames: Mapping[str, geopandas.GeoDataFrame], path: Path) -> Path:
    """Write every layer into one GeoPackage, lists joined with ``"; "`` (GeoPackage has no list type)."""
    with gpkg_writer(path) as write:
        for name in LAYERS:
            write(name, frames[name])
    return path


@contextmanager
def gpkg_writer(path: Path) -> Iterator[Callable[[str, geopandas.GeoDataFrame], None]]:
    """Yield ``write(layer, frame)``, which writes a layer of :data:`LAYERS` into the GeoPackage at ``path``.

    The first frame of a layer creates it (an empty frame still does); later
    ones are appended, so a layer of hundreds of thousands of events can be
    written a chunk at a time. The file replaces ``path`` when the block ends.
    """
    with atomic_write(path) as tmp:
        started: set[str] = set()

        def write(name: str, frame: geopandas.GeoDataFrame) -> None:
            _write_layer(tmp, path, name, frame, append=name in started)
            started.add(name)

        yield write


def _write_layer(tmp: Path, path: Path, name: str, frame: geopandas.GeoDataFrame, *, append: bool) -> None:
    fields, geometry_type = LAYERS[name]
    try:
        pyogrio.write_dataframe(
            _for_gpkg(frame, fields),
            tmp,
            layer=name,
            driver="GPKG",
            geometry_type=geometry_type,
            promote_to_multi=geometry_type == "MultiPolygon",
            append=append,
        )
    except pyogrio.errors.DataSourceError as err:
        raise OutputError(path, f"cannot write GeoPackage layer {name} ({err})") from err


def events_csv(
    agg: Aggregates, cfg: RenderSettings, *, columns: Mapping[str, Sequence[Any]] | None = None
) -> str:
    """ACLED-style rows, one per event, in the same order as ``events.geojson``.

    ``columns`` are the events' :func:`~geomap.render.geojson.event_columns`
    when the caller has them already; otherwise they are made from ``agg``.

    Examples
    --------
    >>> events_csv(Aggregates((), (), ()), RenderSettings()).splitlines()[0].split(",")[:3]
    ['event_date', 'event_type', 'sub_event_type']
    """
    if columns is None:
        columns = event_columns(sorted_events(agg.events))
    return csv_header() + csv_rows(columns, cfg)


def csv_header() -> str:
    """The header row of :func:`events_csv`."""
    return _csv_row(CSV_COLUMNS)


def csv_rows(columns: Mapping[str, Sequence[Any]], cfg: RenderSettings) -> str:
    """The rows of :func:`events_csv` for the events ``columns`` hold, without the header.

    Rows of consecutive chunks of events, written one after the other, are the
    rows of all of them.
    """
    names = country_names(cfg)
    fields = (
        [day or "" for day in columns["date"]],
        [label or "" for label in columns["event_type"]],
        [label or "" for label in columns["sub_event_type"]],
        [names.get(country, country) for country in columns["country"]],
        [admin1 or "" for admin1 in columns["admin1"]],
        columns["place"],
        [f"{lat:.5f}" for lat in columns["lat"]],
        [f"{lon:.5f}" for lon in columns["lon"]],
        [_GEO_PRECISION.get(kind, 1) for kind in columns["kind"]],
        [_TIME_PRECISION.get(precision or "", "") for precision in columns["date_precision"]],
        [source or "" for source in columns["source"]],
        columns["evidence"],  # every sentence, joined
        columns["doc"],
        columns["place_id"],
    )
    rows = map(",".join, zip(*map(_csv_texts, fields), strict=True))
    return "".join([row + "\n" for row in rows])


def _csv_row(values: Sequence[Any]) -> str:
    """One row as the CSV is written: :mod:`csv`'s minimal quoting, newline line ends."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(values)
    return buffer.getvalue()


def _csv_texts(values: Sequence[Any]) -> list[str]:
    """Each value as the :mod:`csv` writer writes it as a field of a row, quoted once per distinct value.

    The writer quotes each field on its own, so rows joined from these texts with
    commas are the rows it writes; events repeat their sentences, and quoting
    them is most of the time a CSV takes. Equal values must write alike: each
    column holds one type (strings, or ints and ``""``), so ``1 == True`` never meets.

    Examples
    --------
    >>> _csv_texts(["a", 'say "hi", twice', "", 3, "a"])
    ['a', '"say ""hi"", twice"', '', '3', 'a']
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    texts = dict.fromkeys(values, "")
    for value in texts:
        buffer.seek(0)
        buffer.truncate()
        # A second, empty field: a row of one empty field is written '""', but as a field it is ''.
        writer.writerow((value, ""))
        texts[value] = buffer.getvalue()[:-2]
    return [texts[value] for value in values]
