"""The typed values that flow between stages.

Every record is a frozen, slotted dataclass: stages return new values and
never mutate what they were given. Coordinates are ``(lat, lon)`` everywhere;
only :func:`geomap.render.geojson.to_feature` writes ``[lon, lat]``.

Examples
--------
>>> almaty = Place("geonames:1526384", "Almaty", 43.25249, 76.9115, "city", "KZ")
>>> almaty.latitude, almaty.longitude
(43.25249, 76.9115)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

__all__ = [
    "Aggregates",
    "DatedMention",
    "Document",
    "Event",
    "Mention",
    "Place",
    "PlaceSummary",
    "RegionSummary",
    "SpreadLink",
    "TimeRef",
]

PlaceKind = Literal["city", "town", "village", "region", "country", "landmark"]
Precision = Literal["day", "week", "month"]
DateBasis = Literal["explicit", "relative", "carried", "publication"]


@dataclass(frozen=True, slots=True)
class Place:
    """A gazetteer entry: one real place with its canonical name and point."""

    place_id: str
    name: str
    lat: float
    lon: float
    kind: PlaceKind
    country: str
    admin1: str | None = None
    population: int = 0
    admin1_id: str | None = None

    @property
    def latitude(self) -> float:
        """Latitude in degrees (WGS84)."""
        return self.lat

    @property
    def longitude(self) -> float:
        """Longitude in degrees (WGS84)."""
        return self.lon

    def distance_km(self, other: Place) -> float:
        """Great-circle (haversine) distance to ``other`` in kilometres.

        Examples
        --------
        >>> a = Place("x:1", "A", 0.0, 0.0, "city", "XX")
        >>> round(a.distance_km(Place("x:2", "B", 0.0, 1.0, "city", "XX")), 1)
        111.2
        """
        la1, la2 = math.radians(self.lat), math.radians(other.lat)
        dl = math.radians(other.lon - self.lon)
        x = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin(dl / 2) ** 2
        return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(x)))


@dataclass(frozen=True, slots=True)
class Document:
    """One input article: its body text and what its header says about it.

    ``text`` is the body that every offset in later records points into; the
    header lines (title, source, URL, publication date) are kept apart.
    """

    name: str
    text: str
    path: str = ""
    title: str | None = None
    source: str | None = None
    url: str | None = None
    published: date | None = None
    published_basis: str = "unknown"
    encoding: str = "utf-8"


@dataclass(frozen=True, slots=True)
class Mention:
    """A place name found in a document, resolved to its most likely place.

    ``start``/``end`` are character offsets into ``Document.text`` so that
    ``doc.text[m.start:m.end] == m.surface``; ``sentence_start``/``sentence_end``
    bound the sentence quoted as evidence. ``method`` is how the name was
    found: "exact", "fuzzy" or "deictic" ("the country", "nationwide").
    """

    doc: str
    surface: str
    start: int
    end: int
    place: Place
    candidates: tuple[Place, ...] = ()
    sentence: str = ""
    sentence_start: int = 0
    sentence_end: int = 0
    paragraph: int = 0
    method: str = "exact"
    score: float = 1.0
    focus: str | None = None
    """The country the document is about (ISO alpha-2), as geoparse inferred it."""


@dataclass(frozen=True, slots=True)
class TimeRef:
    """A date an event happened on, with how precise and how derived it is.

    ``precision`` follows ACLED's time_precision (day=1, week=2, month=3).
    """

    date: date
    end: date | None = None
    precision: Precision = "day"
    basis: DateBasis = "explicit"
    text: str = ""


@dataclass(frozen=True, slots=True)
class DatedMention:
    """A mention with the dates its sentence gives it (empty when undated).

    ``background`` marks dates older than the configured window before
    publication: history, not the present unrest.
    """

    mention: Mention
    dates: tuple[TimeRef, ...] = ()
    background: bool = False


@dataclass(frozen=True, slots=True)
class Event:
    """One event report: a document says unrest happened at a place on a day."""

    doc: str
    place: Place
    date: date | None
    event_types: tuple[str, ...]
    evidence: tuple[str, ...]
    event_type: str = "Protests"
    sub_event_type: str = "Peaceful protest"
    end_date: date | None = None
    date_precision: Precision | None = None
    date_basis: DateBasis | None = None
    title: str | None = None
    source: str | None = None
    url: str | None = None
    mentions: int = 1
    background: bool = False


@dataclass(frozen=True, slots=True)
class PlaceSummary:
    """Every report of one place, over all documents."""

    place: Place
    first_seen: date | None
    last_seen: date | None
    dates: tuple[date, ...]
    n_reports: int
    n_documents: int
    event_types: tuple[str, ...]
    evidence: tuple[tuple[str, str, str | None], ...] = ()
    """``(doc, sentence, source)`` triples, for popups and reports."""


@dataclass(frozen=True, slots=True)
class SpreadLink:
    """The place unrest most likely reached ``destination`` from."""

    origin: Place
    destination: Place
    origin_date: date
    destination_date: date
    distance_km: float


@dataclass(frozen=True, slots=True)
class RegionSummary:
    """First-level region totals: when unrest first reached it and how much."""

    region_id: str
    name: str
    first_seen: date | None
    n_places: int
    n_reports: int
    event_types: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Aggregates:
    """What the render stage draws: events, places, days and spread."""

    events: tuple[Event, ...]
    places: tuple[PlaceSummary, ...]
    days: tuple[date, ...]
    spread: tuple[SpreadLink, ...] = ()
    regions: tuple[RegionSummary, ...] = ()
    background: tuple[Event, ...] = field(default=())
