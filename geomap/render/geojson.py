"""GeoJSON features for events, places, spread links and regions (RFC 7946).

:func:`to_feature` is the one place in geomap that writes ``[lon, lat]``;
everything else speaks ``(lat, lon)``. The feature lists built here are also
what the GeoPackage, the CSV and the GeoDataFrames are made from, so every
output carries the same fields.

Examples
--------
>>> to_feature([(43.24, 76.89)], {"place": "Almaty"})["geometry"]
{'type': 'Point', 'coordinates': [76.89, 43.24]}
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from typing import Any, TextIO

from shapely.geometry import mapping

from geomap.config import RenderSettings
from geomap.records import Aggregates, Event, Place, PlaceSummary, SpreadLink
from geomap.render.boundaries import region_shapes

__all__ = [
    "EVENT_FIELDS",
    "PLACE_FIELDS",
    "REGION_FIELDS",
    "SPREAD_FIELDS",
    "EVIDENCE_JOINER",
    "dumps",
    "event_features",
    "feature_collection",
    "iter_event_features",
    "iter_place_features",
    "place_features",
    "region_features",
    "spread_features",
    "to_feature",
    "write_collection",
]

EVIDENCE_JOINER = " … "
_DIGITS = 6  # ~0.1 m, the precision RFC 7946 suggests

# Field name -> kind; the kinds drive the GeoDataFrame and GeoPackage column types.
EVENT_FIELDS: dict[str, str] = {
    "doc": "str", "place": "str", "place_id": "str", "kind": "str", "admin1": "str", "admin1_id": "str",
    "country": "str", "date": "date", "date_precision": "str", "date_basis": "str", "start_date": "date",
    "end_date": "date", "event_types": "list", "event_type": "str", "sub_event_type": "str",
    "evidence": "str", "evidence_all": "list", "source": "str", "title": "str", "url": "str",
    "mentions": "int", "background": "bool", "lat": "float", "lon": "float",
}  # fmt: skip
PLACE_FIELDS: dict[str, str] = {
    "place": "str", "place_id": "str", "kind": "str", "admin1": "str", "admin1_id": "str", "country": "str",
    "first_seen": "date", "last_seen": "date", "dates": "list", "n_reports": "int", "n_documents": "int",
    "event_types": "list", "sources": "list", "start_date": "date", "end_date": "date", "lat": "float",
    "lon": "float",
}  # fmt: skip
SPREAD_FIELDS: dict[str, str] = {
    "origin": "str", "origin_id": "str", "destination": "str", "destination_id": "str", "origin_date": "date",
    "destination_date": "date", "distance_km": "float", "start_date": "date", "end_date": "date",
}  # fmt: skip
REGION_FIELDS: dict[str, str] = {
    "region_id": "str", "name": "str", "first_seen": "date", "n_places": "int", "n_reports": "int",
    "event_types": "list", "start_date": "date",
}  # fmt: skip


def to_feature(points: Sequence[tuple[float, float]], properties: Mapping[str, Any]) -> dict[str, Any]:
    """Make a GeoJSON Feature from ``(lat, lon)`` points: one gives a Point, more a LineString.

    This is the only function that turns ``(lat, lon)`` into GeoJSON's ``[lon, lat]``.

    Examples
    --------
    >>> f = to_feature([(43.24, 76.89), (43.34, 52.86)], {})
    >>> f["geometry"]["type"], f["geometry"]["coordinates"][0]
    ('LineString', [76.89, 43.24])
    """
    if not points:
        raise ValueError("a feature needs at least one (lat, lon) point")
    coordinates = [[round(lon, _DIGITS), round(lat, _DIGITS)] for lat, lon in points]
    if len(coordinates) == 1:
        geometry = {"type": "Point", "coordinates": coordinates[0]}
    else:
        geometry = {"type": "LineString", "coordinates": coordinates}
    return {"type": "Feature", "geometry": geometry, "properties": dict(properties)}


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def event_sort_key(event: Event) -> tuple:
    """Documents, then dates (undated last), then place name and id: a stable file order."""
    return (event.doc, event.date is None, event.date or date.min, event.place.name, event.place.place_id)


def _place_fields(place: Place) -> dict[str, Any]:
    return {
        "place": place.name,
        "place_id": place.place_id,
        "kind": place.kind,
        "admin1": place.admin1,
        "admin1_id": place.admin1_id,
        "country": place.country,
    }


def event_properties(event: Event) -> dict[str, Any]:
    """Return the fields of one event feature (see :data:`EVENT_FIELDS`)."""
    place = event.place
    end = event.end_date or event.date
    return {
        "doc": event.doc,
        **_place_fields(place),
        "date": _iso(event.date),
        "date_precision": event.date_precision or ("day" if event.date is not None else None),
        "date_basis": event.date_basis,
        "start_date": _iso(event.date),
        "end_date": _iso(end),
        "event_types": list(event.event_types),
        "event_type": event.event_type,
        "sub_event_type": event.sub_event_type,
        "evidence": EVIDENCE_JOINER.join(event.evidence),
        "evidence_all": list(event.evidence),
        "source": event.source,
        "title": event.title,
        "url": event.url,
        "mentions": event.mentions,
        "background": event.background,
        "lat": place.lat,
        "lon": place.lon,
    }


def event_features(agg: Aggregates) -> list[dict[str, Any]]:
    """One Point per event (document, place, date), in :func:`event_sort_key` order."""
    return list(iter_event_features(agg))


def iter_event_features(agg: Aggregates) -> Iterator[dict[str, Any]]:
    """The features of :func:`event_features`, made one at a time.

    A writer that streams them holds one feature in memory, not one per event.
    """
    for e in sorted(agg.events, key=event_sort_key):
        yield to_feature([(e.place.lat, e.place.lon)], event_properties(e))


def place_sort_key(summary: PlaceSummary) -> tuple:
    """First date (undated last), then name and id."""
    first = summary.first_seen
    return (first is None, first or date.min, summary.place.name, summary.place.place_id)


def place_properties(summary: PlaceSummary) -> dict[str, Any]:
    """Return the fields of one place feature (see :data:`PLACE_FIELDS`)."""
    place = summary.place
    sources = sorted({source or doc for doc, _, source in summary.evidence})
    return {
        **_place_fields(place),
        "first_seen": _iso(summary.first_seen),
        "last_seen": _iso(summary.last_seen),
        "dates": [d.isoformat() for d in sorted(summary.dates)],
        "n_reports": summary.n_reports,
        "n_documents": summary.n_documents,
        "event_types": list(summary.event_types),
        "sources": sources,
        "start_date": _iso(summary.first_seen),
        "end_date": _iso(summary.last_seen),
        "lat": place.lat,
        "lon": place.lon,
    }


def place_features(agg: Aggregates) -> list[dict[str, Any]]:
    """One Point per place summary, earliest first."""
    return list(iter_place_features(agg))


def iter_place_features(agg: Aggregates) -> Iterator[dict[str, Any]]:
    """The features of :func:`place_features`, made one at a time."""
    for s in sorted(agg.places, key=place_sort_key):
        yield to_feature([(s.place.lat, s.place.lon)], place_properties(s))


def spread_properties(link: SpreadLink) -> dict[str, Any]:
    """Return the fields of one spread line; it spans ``origin_date``..``destination_date`` in time."""
    return {
        "origin": link.origin.name,
        "origin_id": link.origin.place_id,
        "destination": link.destination.name,
        "destination_id": link.destination.place_id,
        "origin_date": link.origin_date.isoformat(),
        "destination_date": link.destination_date.isoformat(),
        "distance_km": round(link.distance_km, 1),
        "start_date": link.origin_date.isoformat(),
        "end_date": link.destination_date.isoformat(),
    }


def spread_features(agg: Aggregates) -> list[dict[str, Any]]:
    """One LineString origin → destination per spread link, by destination date then names."""
    links = sorted(
        agg.spread,
        key=lambda s: (s.destination_date, s.destination.name, s.destination.place_id, s.origin.place_id),
    )
    return [
        to_feature(
            [(s.origin.lat, s.origin.lon), (s.destination.lat, s.destination.lon)], spread_properties(s)
        )
        for s in links
    ]


def _rounded(coordinates: Any, digits: int) -> Any:
    if isinstance(coordinates, (int, float)):
        return round(float(coordinates), digits)
    return [_rounded(c, digits) for c in coordinates]


def region_features(agg: Aggregates, cfg: RenderSettings, digits: int = 5) -> list[dict[str, Any]]:
    """One (Multi)Polygon per region summary that has a bundled boundary, by first date then id.

    The polygons are already ``[lon, lat]`` in the boundary files; they are
    passed through, oriented counter-clockwise outside (RFC 7946 §3.1.6).
    """
    features = []
    ordered = sorted(agg.regions, key=lambda r: (r.first_seen is None, r.first_seen or date.min, r.region_id))
    for summary, geometry in region_shapes(ordered, cfg):
        shape = mapping(geometry)
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": shape["type"], "coordinates": _rounded(shape["coordinates"], digits)},
                "properties": {
                    "region_id": summary.region_id,
                    "name": summary.name,
                    "first_seen": _iso(summary.first_seen),
                    "n_places": summary.n_places,
                    "n_reports": summary.n_reports,
                    "event_types": list(summary.event_types),
                    "start_date": _iso(summary.first_seen),
                },
            }
        )
    return features


def feature_collection(features: list[dict[str, Any]], stamp: Mapping[str, Any]) -> dict[str, Any]:
    """Wrap features in a FeatureCollection with the provenance block on top (no ``crs`` member)."""
    return {"type": "FeatureCollection", "geomap": dict(stamp), "features": features}


def dumps(collection: Mapping[str, Any]) -> str:
    """Deterministic, UTF-8-friendly JSON text; one feature per line keeps diffs readable.

    Examples
    --------
    >>> print(dumps(feature_collection([to_feature([(1.0, 2.0)], {"a": "é"})], {"version": "0"})))
    {"type": "FeatureCollection", "geomap": {"version": "0"}, "features": [
    {"type": "Feature", "geometry": {"type": "Point", "coordinates": [2.0, 1.0]}, "properties": {"a": "é"}}
    ]}
    <BLANKLINE>
    """
    head = {key: value for key, value in collection.items() if key != "features"}
    opening = json.dumps(head, ensure_ascii=False)[:-1]
    lines = [json.dumps(f, ensure_ascii=False, allow_nan=False) for f in collection.get("features", [])]
    if not lines:
        return f'{opening}, "features": []}}\n'
    return f'{opening}, "features": [\n' + ",\n".join(lines) + "\n]}\n"


def write_collection(handle: TextIO, features: Iterable[Mapping[str, Any]], stamp: Mapping[str, Any]) -> None:
    """Write the text :func:`dumps` makes of a FeatureCollection, one feature at a time.

    The bytes are the same as ``dumps(feature_collection(list(features), stamp))``,
    but only one feature is in memory at once, so a corpus of any size writes in
    flat memory.

    Examples
    --------
    >>> import io
    >>> features = [to_feature([(1.0, 2.0)], {"a": "é"}), to_feature([(3.0, 4.0)], {})]
    >>> handle = io.StringIO()
    >>> write_collection(handle, iter(features), {"version": "0"})
    >>> handle.getvalue() == dumps(feature_collection(features, {"version": "0"}))
    True
    """
    head = {key: value for key, value in feature_collection([], stamp).items() if key != "features"}
    handle.write(json.dumps(head, ensure_ascii=False)[:-1])
    separator = ', "features": [\n'
    for feature in features:
        handle.write(separator)
        handle.write(json.dumps(feature, ensure_ascii=False, allow_nan=False))
        separator = ",\n"
    handle.write(', "features": []}\n' if separator != ",\n" else "\n]}\n")
