"""GeoJSON features for events, places, spread links and regions (RFC 7946).

:func:`to_feature` is the one place in geomap that writes ``[lon, lat]``;
everything else speaks ``(lat, lon)``. The fields defined here are also what
the GeoPackage, the CSV and the GeoDataFrames are made from, so every output
carries the same fields. Events, by far the most numerous, come as JSON text
(:func:`iter_event_json`) or as columns (:func:`event_columns`), made from
parts shared between events rather than feature by feature.

Examples
--------
>>> to_feature([(43.24, 76.89)], {"place": "Almaty"})["geometry"]
{'type': 'Point', 'coordinates': [76.89, 43.24]}
"""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from datetime import date
from functools import lru_cache, partial
from operator import attrgetter
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
    "event_columns",
    "event_features",
    "event_properties",
    "event_sort_key",
    "feature_collection",
    "iter_event_features",
    "iter_event_json",
    "iter_place_features",
    "lon_lat",
    "place_features",
    "place_properties",
    "place_sort_key",
    "region_features",
    "sorted_events",
    "spread_features",
    "spread_properties",
    "to_feature",
    "write_collection",
    "write_collection_text",
]

EVIDENCE_JOINER = " … "
_DIGITS = 6  # ~0.1 m, the precision RFC 7946 suggests
# One encoder for every feature: the options of `json.dumps(..., ensure_ascii=False, allow_nan=False)`
# without building an encoder per call.
_ENCODER = json.JSONEncoder(ensure_ascii=False, allow_nan=False)
# Distinct values each part of an event feature keeps encoded (see `_EVENT_PARTS`). Events
# come sorted by document, so neighbours share documents, titles and sentences; a bounded cache
# keeps a corpus of any size in flat memory.
_PART_CACHE = 4096

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
    coordinates = [lon_lat(lat, lon) for lat, lon in points]
    if len(coordinates) == 1:
        geometry = {"type": "Point", "coordinates": coordinates[0]}
    else:
        geometry = {"type": "LineString", "coordinates": coordinates}
    return {"type": "Feature", "geometry": geometry, "properties": dict(properties)}


def lon_lat(lat: float, lon: float) -> list[float]:
    """Return the GeoJSON position of ``(lat, lon)``: ``[lon, lat]`` rounded to 6 decimals (~0.1 m).

    Examples
    --------
    >>> lon_lat(43.2524912, 76.9115)
    [76.9115, 43.252491]
    """
    return [round(lon, _DIGITS), round(lat, _DIGITS)]


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


def _doc_fields(doc: str) -> dict[str, Any]:
    return {"doc": doc}


def _date_fields(key: tuple[date | None, str | None, str | None, date | None]) -> dict[str, Any]:
    day, precision, basis, end = key
    start = _iso(day)
    return {
        "date": start,
        "date_precision": precision or ("day" if day is not None else None),
        "date_basis": basis,
        "start_date": start,
        "end_date": _iso(end or day),
    }


def _type_fields(key: tuple[tuple[str, ...], str, str]) -> dict[str, Any]:
    event_types, event_type, sub_event_type = key
    return {"event_types": list(event_types), "event_type": event_type, "sub_event_type": sub_event_type}


def _evidence_fields(evidence: tuple[str, ...]) -> dict[str, Any]:
    return {"evidence": EVIDENCE_JOINER.join(evidence), "evidence_all": list(evidence)}


def _origin_fields(key: tuple[str | None, str | None, str | None]) -> dict[str, Any]:
    source, title, url = key
    return {"source": source, "title": title, "url": url}


def _count_fields(key: tuple[int, bool]) -> dict[str, Any]:
    # int() and bool() make equal keys give equal text: (1, True) and (1, 1) compare equal.
    mentions, background = key
    return {"mentions": int(mentions), "background": bool(background)}


def _position_fields(place: Place) -> dict[str, Any]:
    return {"lat": place.lat, "lon": place.lon}


# The fields of an event feature in :data:`EVENT_FIELDS` order, in parts. Each part is a
# function of a few of the event's values (its key), so a corpus's many events, which share
# places, dates, labels and sentences, make each part once per distinct key and reuse it for
# the GeoJSON text, the columns of the GeoPackage and the CSV. Equal keys must make equal
# text: keys are strings, dates and tuples of them, never bare floats (0.0 == -0.0); the place
# parts are looked up by identity instead (see `_PlaceParts`).
_PLACE = attrgetter("place")
_EVENT_PARTS: tuple[tuple[Callable[[Event], Hashable], Callable[[Any], dict[str, Any]]], ...] = (
    (attrgetter("doc"), _doc_fields),
    (_PLACE, _place_fields),
    (attrgetter("date", "date_precision", "date_basis", "end_date"), _date_fields),
    (attrgetter("event_types", "event_type", "sub_event_type"), _type_fields),
    (attrgetter("evidence"), _evidence_fields),
    (attrgetter("source", "title", "url"), _origin_fields),
    (attrgetter("mentions", "background"), _count_fields),
    (_PLACE, _position_fields),
)


def event_properties(event: Event) -> dict[str, Any]:
    """Return the fields of one event feature (see :data:`EVENT_FIELDS`).

    Examples
    --------
    >>> e = Event("a.txt", Place("x:1", "A", 1.0, 2.0, "city", "XX"), date(2022, 1, 5), ("protest",), ("Crowds.",))
    >>> p = event_properties(e)
    >>> list(p) == list(EVENT_FIELDS), p["date"], p["end_date"], p["evidence_all"]
    (True, '2022-01-05', '2022-01-05', ['Crowds.'])
    """
    properties: dict[str, Any] = {}
    for key, make in _EVENT_PARTS:
        properties.update(make(key(event)))
    return properties


class _PlaceParts:
    """Values made from an event's place, kept per place object.

    Looked up by identity, not equality: equal places may differ in the sign of a zero
    coordinate, which JSON writes. The pipeline shares one object per place, so every event
    of a place finds it; an entry holds its place, so its ``id`` is never reused meanwhile.
    """

    def __init__(self, make: Callable[[Place], Any]) -> None:
        self._make = make
        self._made: dict[int, tuple[Place, Any]] = {}

    def __call__(self, place: Place) -> Any:
        entry = self._made.get(id(place))
        if entry is None or entry[0] is not place:
            if len(self._made) >= _PART_CACHE:
                self._made.clear()
            entry = self._made[id(place)] = (place, self._make(place))
        return entry[1]


def _cached_parts(encode: Callable[[dict[str, Any]], Any]) -> list[tuple[Callable[[Event], Any], Callable]]:
    """For each of :data:`_EVENT_PARTS`: its key, and ``encode`` of its fields made once per key."""
    parts: list[tuple[Callable[[Event], Any], Callable]] = []
    for key, make in _EVENT_PARTS:
        made = partial(_apply, encode, make)
        parts.append((key, _PlaceParts(made) if key is _PLACE else _cached(made)))
    return parts


def _apply(encode: Callable[[Any], Any], make: Callable[[Any], Any], key: Any) -> Any:
    return encode(make(key))


def _cached(made: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``made``, remembering its results for the last :data:`_PART_CACHE` distinct keys."""
    remembered = lru_cache(maxsize=_PART_CACHE)(made)

    def lookup(key: Any) -> Any:
        try:
            return remembered(key)
        except TypeError:  # a list where records have tuples cannot be a key: made, not remembered
            return made(key)

    return lookup


def sorted_events(events: Iterable[Event]) -> list[Event]:
    """Return ``events`` in :func:`event_sort_key` order, the order of every event output."""
    return sorted(events, key=event_sort_key)


def iter_event_json(events: Iterable[Event]) -> Iterator[str]:
    """The JSON text of each event's feature, in the order given.

    Each text is ``json.dumps(to_feature(...), ensure_ascii=False)`` of the feature
    :func:`iter_event_features` makes, byte for byte, but made from parts that
    are encoded once per distinct value (see :data:`_EVENT_PARTS`): on a large
    corpus this is several times faster than encoding every feature whole.

    Examples
    --------
    >>> e = Event("a.txt", Place("x:1", "A", 1.0, 2.0, "city", "XX"), date(2022, 1, 5), ("protest",), ("Crowds.",))
    >>> (text,) = iter_event_json([e])
    >>> text == json.dumps(to_feature([(1.0, 2.0)], event_properties(e)), ensure_ascii=False)
    True
    """
    # A dict's text is "{" + its items joined by ", " + "}", so the parts' items, without
    # their braces, join into the text of the whole properties dict.
    parts = _cached_parts(lambda fields: _ENCODER.encode(fields)[1:-1])
    # Everything before the properties' items: '{"type": "Feature", "geometry": ..., "properties": {'.
    head = _PlaceParts(lambda place: _ENCODER.encode(to_feature([(place.lat, place.lon)], {}))[:-2])
    for event in events:
        yield head(event.place) + ", ".join([made(key(event)) for key, made in parts]) + "}}"


def event_columns(events: Sequence[Event]) -> dict[str, list[Any]]:
    """The properties of the events' features as columns, one list per field of :data:`EVENT_FIELDS`.

    Rows follow ``events``; list fields hold a fresh list per row.

    Examples
    --------
    >>> e = Event("a.txt", Place("x:1", "A", 1.0, 2.0, "city", "XX"), None, ("protest",), ("Crowds.",))
    >>> columns = event_columns([e, e])
    >>> list(columns) == list(EVENT_FIELDS), columns["place"], columns["date"]
    (True, ['A', 'A'], [None, None])
    """
    columns: dict[str, list[Any]] = {name: [] for name in EVENT_FIELDS}
    for key, made in _cached_parts(lambda fields: fields):
        rows = [made(key(event)) for event in events]
        for name in rows[0] if rows else ():
            if EVENT_FIELDS[name] == "list":  # rows share a part's dict; each row gets its own list
                columns[name] = [list(row[name]) for row in rows]
            else:
                columns[name] = [row[name] for row in rows]
    return columns


def event_features(agg: Aggregates) -> list[dict[str, Any]]:
    """One Point per event (document, place, date), in :func:`event_sort_key` order."""
    return list(iter_event_features(agg))


def iter_event_features(agg: Aggregates) -> Iterator[dict[str, Any]]:
    """The features of :func:`event_features`, made one at a time.

    A writer that streams them holds one feature in memory, not one per event.
    """
    for e in sorted_events(agg.events):
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
    lines = [_ENCODER.encode(f) for f in collection.get("features", [])]
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
    write_collection_text(handle, map(_ENCODER.encode, features), stamp)


def write_collection_text(handle: TextIO, features: Iterable[str], stamp: Mapping[str, Any]) -> None:
    """Like :func:`write_collection`, for features already encoded as JSON text (one line each).

    Examples
    --------
    >>> import io
    >>> handle = io.StringIO()
    >>> write_collection_text(handle, ['{"type": "Feature"}'], {"version": "0"})
    >>> print(handle.getvalue(), end="")
    {"type": "FeatureCollection", "geomap": {"version": "0"}, "features": [
    {"type": "Feature"}
    ]}
    """
    head = {key: value for key, value in feature_collection([], stamp).items() if key != "features"}
    handle.write(json.dumps(head, ensure_ascii=False)[:-1])
    separator = ', "features": [\n'
    for feature in features:
        handle.write(separator)
        handle.write(feature)
        separator = ",\n"
    handle.write(', "features": []}\n' if separator != ",\n" else "\n]}\n")
