"""GeoDataFrames, the GeoPackage and the ACLED-style CSV, all built from the GeoJSON features.

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
from collections.abc import Mapping
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
    EVIDENCE_JOINER,
    PLACE_FIELDS,
    REGION_FIELDS,
    SPREAD_FIELDS,
    event_features,
    place_features,
    region_features,
    spread_features,
)

__all__ = ["CSV_COLUMNS", "LAYERS", "events_csv", "frames_from_features", "to_geodataframes", "write_gpkg"]

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


def _column(values: list[Any], kind: str) -> pandas.Series:
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


def frames_from_features(
    features: list[dict[str, Any]], fields: Mapping[str, str], geometry_type: str
) -> geopandas.GeoDataFrame:
    """Build a GeoDataFrame (EPSG:4326) with one typed column per field, even with no features.

    Dates become ``datetime64`` columns and lists stay Python lists.
    """
    columns = {
        name: _column([f["properties"].get(name) for f in features], kind) for name, kind in fields.items()
    }
    geometry = geopandas.GeoSeries([shape(f["geometry"]) for f in features], crs="EPSG:4326")
    frame = geopandas.GeoDataFrame(columns, geometry=geometry, crs="EPSG:4326")
    return frame


def to_geodataframes(agg: Aggregates, cfg: RenderSettings) -> dict[str, geopandas.GeoDataFrame]:
    """``events``, ``places``, ``spread`` and ``regions`` as GeoDataFrames with the GeoJSON fields."""
    features = {
        "events": event_features(agg),
        "places": place_features(agg),
        "spread": spread_features(agg),
        "regions": region_features(agg, cfg),
    }
    return {
        name: frames_from_features(features[name], fields, geometry_type)
        for name, (fields, geometry_type) in LAYERS.items()
    }


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
    with atomic_write(path) as tmp:
        for name, (fields, geometry_type) in LAYERS.items():
            try:
                pyogrio.write_dataframe(
                    _for_gpkg(frames[name], fields),
                    tmp,
                    layer=name,
                    driver="GPKG",
                    geometry_type=geometry_type,
                    promote_to_multi=geometry_type == "MultiPolygon",
                )
            except pyogrio.errors.DataSourceError as err:
                raise OutputError(path, f"cannot write GeoPackage layer {name} ({err})") from err
    return path


def events_csv(agg: Aggregates, cfg: RenderSettings) -> str:
    """ACLED-style rows, one per event, in the same order as ``events.geojson``.

    Examples
    --------
    >>> events_csv(Aggregates((), (), ()), RenderSettings()).splitlines()[0].split(",")[:3]
    ['event_date', 'event_type', 'sub_event_type']
    """
    names = country_names(cfg)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for feature in event_features(agg):
        p = feature["properties"]
        writer.writerow(
            [
                p["date"] or "",
                p["event_type"] or "",
                p["sub_event_type"] or "",
                names.get(p["country"], p["country"]),
                p["admin1"] or "",
                p["place"],
                f"{p['lat']:.5f}",
                f"{p['lon']:.5f}",
                _GEO_PRECISION.get(p["kind"], 1),
                _TIME_PRECISION.get(p["date_precision"] or "", ""),
                p["source"] or "",
                EVIDENCE_JOINER.join(p["evidence_all"]),
                p["doc"],
                p["place_id"],
            ]
        )
    return buffer.getvalue()
