"""Hand-built aggregates for the render tests: real GeoNames points in Kazakhstan, January 2022."""

from __future__ import annotations

from datetime import date

import pytest

from geomap.config import RenderSettings
from geomap.records import Aggregates, Event, Place, PlaceSummary, RegionSummary, SpreadLink

ZHANAOZEN = Place(
    "geonames:607610", "Zhanaozen", 43.34116, 52.86192, "city", "KZ", "Mangystau Region", 103598, "KZ-MAN"
)
AKTAU = Place(
    "geonames:610612", "Aktau", 43.66105, 51.17392, "city", "KZ", "Mangystau Region", 147443, "KZ-MAN"
)
ALMATY = Place("geonames:1526384", "Almaty", 43.25249, 76.9115, "city", "KZ", "Almaty", 1977011, "KZ-ALA")
AKTOBE = Place(
    "geonames:610611", "Aktobe", 50.27969, 57.20718, "city", "KZ", "Aktobe Region", 500757, "KZ-AKT"
)
SHYMKENT = Place("geonames:1518980", "Shymkent", 42.3, 69.6, "city", "KZ", "Shymkent", 1000000, "KZ-SHY")
D = {n: date(2022, 1, n) for n in range(1, 8)}
PROVENANCE = {
    "version": "0.1.0",
    "config_id": "ab12cd34",
    "gazetteer_sha": "0123456789abcdef",
    "generated": None,
}

XSS = ("<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "evil</script><b>bold")


def _event(
    doc: str,
    place: Place,
    day: date | None,
    types=("Protests",),
    text="People gathered in the square.",
    title="Unrest spreads",
    source="Test Wire",
    url="https://example.org/a",
) -> Event:
    return Event(
        doc,
        place,
        day,
        types,
        (text,),
        event_type=types[0],
        date_precision="day" if day else None,
        date_basis="explicit" if day else None,
        title=title,
        source=source,
        url=url,
    )


def build(
    events: list[Event], spread: tuple[SpreadLink, ...] = (), regions: tuple[RegionSummary, ...] = ()
) -> Aggregates:
    """A small, honest aggregate of ``events``: per place first/last day, counts, evidence."""
    by_place: dict[str, list[Event]] = {}
    for e in events:
        by_place.setdefault(e.place.place_id, []).append(e)
    summaries = []
    for group in by_place.values():
        dated = sorted({e.date for e in group if e.date})
        summaries.append(
            PlaceSummary(
                place=group[0].place,
                first_seen=dated[0] if dated else None,
                last_seen=dated[-1] if dated else None,
                dates=tuple(dated),
                n_reports=len(group),
                n_documents=len({e.doc for e in group}),
                event_types=tuple(sorted({t for e in group for t in e.event_types})),
                evidence=tuple((e.doc, s, e.source) for e in group for s in e.evidence),
            )
        )
    summaries.sort(key=lambda s: (s.first_seen is None, s.first_seen or date.min, s.place.name))
    days = tuple(sorted({e.date for e in events if e.date}))
    return Aggregates(tuple(events), tuple(summaries), days, spread, regions)


def sample() -> Aggregates:
    events = [
        _event("a.txt", ZHANAOZEN, D[2], text="Workers in Zhanaozen protested against gas prices."),
        _event("a.txt", ZHANAOZEN, D[3]),
        _event("b.txt", ZHANAOZEN, D[4], source="Other Wire", url="https://example.org/b"),
        _event("a.txt", AKTAU, D[3], text="Crowds gathered in Aktau's central square."),
        _event("b.txt", AKTAU, D[4], source="Other Wire", url="https://example.org/b"),
        _event(
            "b.txt", ALMATY, D[4], ("Riots", "Protests"), text="In Almaty, protesters stormed the akimat."
        ),
        _event("c.txt", ALMATY, D[5], ("Riots",), source="Third Wire", url=None),
        _event("c.txt", ALMATY, D[5], ("Riots",), source="Third Wire", url=None, text="Shots were heard."),
        _event("b.txt", AKTOBE, D[4]),
        _event("c.txt", SHYMKENT, None, text="Rallies were also reported in Shymkent."),
    ]
    spread = (
        SpreadLink(ZHANAOZEN, AKTAU, D[2], D[3], 145.2),
        SpreadLink(AKTAU, AKTOBE, D[3], D[4], 890.0),
        SpreadLink(ZHANAOZEN, ALMATY, D[2], D[4], 1950.4),
    )
    regions = (
        RegionSummary("KZ-MAN", "Mangystau Region", D[2], 2, 5, ("Protests",)),
        RegionSummary("KZ-AKT", "Aktobe Region", D[4], 1, 1, ("Protests",)),
        RegionSummary("KZ-ALA", "Almaty", D[4], 1, 3, ("Protests", "Riots")),
        RegionSummary("KZ-SHY", "Shymkent", None, 1, 1, ("Protests",)),
        RegionSummary("XX-NONE", "Nowhere", D[5], 1, 1, ()),
    )
    return build(events, spread, regions)


def hostile() -> Aggregates:
    """Every piece of article text carries an HTML/script injection payload."""
    evil = Place("geonames:1", f"Town{XSS[0]}", 45.0, 60.0, "town", "KZ", f"Region{XSS[1]}", 0, "KZ-KAR")
    events = [
        Event(
            f"doc{XSS[1]}.txt",
            evil,
            D[3],
            (f"Protests{XSS[2]}",),
            tuple(XSS),
            title=f"Title{XSS[2]}",
            source=f"Source{XSS[0]}",
            url=f'https://example.org/"{XSS[1]}',
        ),
        Event(
            "plain.txt",
            ALMATY,
            D[4],
            ("Protests",),
            (f"Evidence {XSS[2]}",),
            title=XSS[0],
            source=XSS[1],
            url="javascript:alert(1)",
        ),
    ]
    return build(
        events,
        (SpreadLink(evil, ALMATY, D[3], D[4], 1300.0),),
        (RegionSummary("KZ-KAR", f"Karaganda{XSS[0]}", D[3], 1, 1, ("Protests",)),),
    )


@pytest.fixture
def agg() -> Aggregates:
    return sample()


@pytest.fixture
def cfg() -> RenderSettings:
    return RenderSettings()


@pytest.fixture
def provenance() -> dict:
    return dict(PROVENANCE)
