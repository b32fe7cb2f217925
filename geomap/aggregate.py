"""Aggregate: per place, per day and how unrest spread between places.

Examples
--------
>>> from datetime import date
>>> from geomap.config import AggregateSettings
>>> from geomap.records import Place
>>> z = Place("geonames:607610", "Zhanaozen", 43.34116, 52.86192, "city", "KZ", admin1_id="KZ-MAN")
>>> a = Place("geonames:610612", "Aktau", 43.66105, 51.17392, "city", "KZ", admin1_id="KZ-MAN")
>>> ev = [Event("d1", z, date(2022, 1, 2), ("protest",), ("s",)),
...       Event("d1", a, date(2022, 1, 3), ("protest",), ("s",))]
>>> agg = aggregate(ev, AggregateSettings())
>>> [p.place.name for p in agg.places], agg.spread[0].origin.name
(['Zhanaozen', 'Aktau'], 'Zhanaozen')
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable
from datetime import date

import numpy as np

from geomap.config import AggregateSettings
from geomap.records import Aggregates, Event, PlaceSummary, RegionSummary, SpreadLink

__all__ = ["aggregate"]


def aggregate(events: Iterable[Event], cfg: AggregateSettings) -> Aggregates:
    """Summaries per place and region, the days of unrest and the spread links.

    Background events (older than the temporal window) are kept apart unless
    ``cfg.include_background`` is set.
    """
    current: list[Event] = []
    background: list[Event] = []
    for e in events:
        (background if e.background and not cfg.include_background else current).append(e)
    current.sort(key=_event_key)
    background.sort(key=_event_key)
    places = _place_summaries(current)
    days = tuple(sorted({e.date for e in current if e.date is not None}))
    return Aggregates(
        events=tuple(current),
        places=places,
        days=days,
        spread=_spread(places),
        regions=_regions(current, places),
        background=tuple(background),
    )


def _event_key(e: Event) -> tuple:
    return (e.doc, e.date or date.min, e.place.name, e.place.place_id)


def _place_summaries(events: list[Event]) -> tuple[PlaceSummary, ...]:
    grouped: dict[str, list[Event]] = defaultdict(list)
    for e in events:
        grouped[e.place.place_id].append(e)
    out = []
    for evs in grouped.values():
        dates = tuple(sorted({e.date for e in evs if e.date is not None}))
        evidence = tuple(dict.fromkeys((e.doc, s, e.source) for e in evs for s in e.evidence))
        out.append(
            PlaceSummary(
                place=evs[0].place,
                first_seen=dates[0] if dates else None,
                last_seen=dates[-1] if dates else None,
                dates=dates,
                n_reports=len(evs),
                n_documents=len({e.doc for e in evs}),
                event_types=tuple(sorted({t for e in evs for t in e.event_types})),
                evidence=evidence,
            )
        )
    out.sort(key=lambda p: (p.first_seen or date.max, -p.n_reports, p.place.name, p.place.place_id))
    return tuple(out)


def _spread(places: tuple[PlaceSummary, ...]) -> tuple[SpreadLink, ...]:
    """Link each place to the nearest place already active on an earlier day."""
    # Stable: places come sorted by first day already, and links keep their order.
    dated = sorted(
        (p for p in places if p.first_seen is not None and p.place.kind != "country"),
        key=lambda p: p.first_seen,  # type: ignore[arg-type, return-value]
    )
    if not dated:
        return ()
    # Distances to every earlier place at once: a run with thousands of places
    # would otherwise spend minutes on pairs in Python.
    lat = np.radians([p.place.lat for p in dated])
    lon = np.radians([p.place.lon for p in dated])
    days = [p.first_seen for p in dated]
    links = []
    for i, p in enumerate(dated):
        n_earlier = bisect_left(days, p.first_seen)  # type: ignore[arg-type]
        if not n_earlier:
            continue
        x = (
            np.sin((lat[:n_earlier] - lat[i]) / 2) ** 2
            + np.cos(lat[i]) * np.cos(lat[:n_earlier]) * np.sin((lon[:n_earlier] - lon[i]) / 2) ** 2
        )
        near = np.flatnonzero(x <= x.min() * (1 + 1e-9) + 1e-18)
        # The few nearest are measured again as Place does, so ties fall to the smaller id exactly as before.
        origin = min(
            (dated[j] for j in near), key=lambda q: (q.place.distance_km(p.place), q.place.place_id)
        )
        links.append(
            SpreadLink(
                origin=origin.place,
                destination=p.place,
                origin_date=origin.first_seen,  # type: ignore[arg-type]
                destination_date=p.first_seen,  # type: ignore[arg-type]
                distance_km=round(origin.place.distance_km(p.place), 1),
            )
        )
    return tuple(links)


def _regions(events: list[Event], places: tuple[PlaceSummary, ...]) -> tuple[RegionSummary, ...]:
    grouped: dict[str, list[PlaceSummary]] = defaultdict(list)
    names: dict[str, str] = {}
    for p in places:
        rid = p.place.admin1_id
        if not rid or p.place.kind == "country":
            continue
        grouped[rid].append(p)
        names.setdefault(rid, p.place.name if p.place.kind == "region" else (p.place.admin1 or rid))
    out = []
    for rid, ps in grouped.items():
        firsts = [p.first_seen for p in ps if p.first_seen is not None]
        out.append(
            RegionSummary(
                region_id=rid,
                name=names[rid],
                first_seen=min(firsts) if firsts else None,
                n_places=len(ps),
                n_reports=sum(p.n_reports for p in ps),
                event_types=tuple(sorted({t for p in ps for t in p.event_types})),
            )
        )
    out.sort(key=lambda r: (r.first_seen or date.max, r.region_id))
    return tuple(out)
