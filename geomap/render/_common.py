"""What every output shares: the day axis, the colour ramp, marker sizes and the credits.

Examples
--------
>>> day_colours(3)[0] != day_colours(3)[-1]
True
>>> marker_radius(1) < marker_radius(16)
True
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from geomap.records import Aggregates

__all__ = [
    "BOUNDARY_CREDIT",
    "GEONAMES_CREDIT",
    "HIGHLIGHT",
    "NATURAL_EARTH_CREDIT",
    "UNDATED_COLOUR",
    "colour_of",
    "date_range_text",
    "day_colours",
    "marker_radius",
    "provenance_line",
    "stamp",
    "timeline_days",
]

GEONAMES_CREDIT = "Places: GeoNames (CC BY 4.0)"
BOUNDARY_CREDIT = (
    "Boundaries © UNHCR/OCHA COD-AB (HDX) via geokz, CC BY 4.0; © OpenStreetMap contributors; Natural Earth"
)
NATURAL_EARTH_CREDIT = "Base map: Natural Earth"
UNDATED_COLOUR = "#8c8c8c"
HIGHLIGHT = "#e31a1c"
"""Colour of the places that became active on the day shown."""

# plasma runs from dark blue to yellow; its last sixth is too pale on a light base map.
_RAMP = "plasma"
_RAMP_END = 0.82


def timeline_days(agg: Aggregates) -> tuple[date, ...]:
    """Every day anything happened on, sorted: the aggregate's days and every place's dates.

    Examples
    --------
    >>> timeline_days(Aggregates((), (), (date(2022, 1, 3), date(2022, 1, 2))))
    (datetime.date(2022, 1, 2), datetime.date(2022, 1, 3))
    """
    days = set(agg.days)
    for summary in agg.places:
        days.update(summary.dates)
        days.update(d for d in (summary.first_seen, summary.last_seen) if d is not None)
    return tuple(sorted(days))


def day_colours(n: int) -> list[str]:
    """``n`` hex colours along a sequential ramp, earliest day first (darkest)."""
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    ramp = colormaps[_RAMP]
    if n <= 1:
        return [to_hex(ramp(0.0))] * n
    return [to_hex(ramp(_RAMP_END * i / (n - 1))) for i in range(n)]


def colour_of(day: date | None, days: Sequence[date], colours: Sequence[str]) -> str:
    """Return the ramp colour of ``day`` (grey when undated or off the axis)."""
    if day is None or day not in days:
        return UNDATED_COLOUR
    return colours[list(days).index(day)]


def marker_radius(n_reports: int) -> float:
    """Circle radius in pixels: area grows with the number of reports, capped for huge counts."""
    return round(min(4.0 + 3.0 * math.sqrt(max(n_reports, 1)), 22.0), 1)


def stamp(provenance: Mapping[str, Any]) -> dict[str, Any]:
    """Return the provenance block for data files: sorted, without the run time.

    Examples
    --------
    >>> stamp({"version": "0.1.0", "generated": "2022-01-05T10:00", "config_id": "ab12cd34"})
    {'config_id': 'ab12cd34', 'version': '0.1.0'}
    """
    return {key: provenance[key] for key in sorted(provenance) if key != "generated"}


def provenance_line(provenance: Mapping[str, Any]) -> str:
    """One line naming the geomap version, settings and gazetteer that made an output.

    Examples
    --------
    >>> provenance_line({"version": "0.1.0", "config_id": "ab12cd34", "gazetteer_sha": "0123456789abcdef"})
    'geomap 0.1.0 · config ab12cd34 · gazetteer 0123456789ab'
    """
    parts = [f"geomap {provenance.get('version', '?')}"]
    if provenance.get("config_id"):
        parts.append(f"config {provenance['config_id']}")
    if provenance.get("gazetteer_sha"):
        parts.append(f"gazetteer {str(provenance['gazetteer_sha'])[:12]}")
    return " · ".join(parts)


def date_range_text(days: Sequence[date]) -> str:
    """Describe the span of ``days``, saying how many of its days had reports.

    Examples
    --------
    >>> date_range_text([date(2022, 1, 2), date(2022, 1, 3), date(2022, 1, 4)])
    '2022-01-02 – 2022-01-04 (3 days)'
    >>> date_range_text([date(2022, 1, 2), date(2022, 1, 5)])
    '2022-01-02 – 2022-01-05 (reports on 2 of 4 days)'
    >>> date_range_text([])
    'no dated events'
    """
    if not days:
        return "no dated events"
    first, last = min(days), max(days)
    if first == last:
        return first.isoformat()
    span = (last - first).days + 1
    reported = len(set(days))
    count = f"{span} days" if reported == span else f"reports on {reported} of {span} days"
    return f"{first.isoformat()} – {last.isoformat()} ({count})"
