"""``report.html``: one self-contained page with the counts, the images and a table of places.

Images are inlined as ``data:`` URIs and the page loads nothing from anywhere;
every piece of article text is escaped.

Examples
--------
>>> from geomap.config import RenderSettings
>>> page = report_html(Aggregates((), (), ()), RenderSettings(), {"version": "0.1.0"}, {})
>>> "no events found" in page and "<script" not in page
True
"""

from __future__ import annotations

import base64
import html
from collections.abc import Mapping, Sequence
from typing import Any

from geomap.config import RenderSettings
from geomap.records import Aggregates, PlaceSummary
from geomap.render._common import (
    BOUNDARY_CREDIT,
    GEONAMES_CREDIT,
    date_range_text,
    provenance_line,
    timeline_days,
)
from geomap.render.geojson import place_sort_key

__all__ = ["report_html"]

_CAPTIONS = {
    "spread.png": "Spread day by day: places new on each day in red, earlier ones in grey; the last panel "
    "colours every place by its first day and draws the likely spread.",
    "timeline.png": "When each place was reported active; the larger dot is its first day.",
}

_CSS = """
body { font: 15px/1.45 "DejaVu Sans", Arial, sans-serif; color: #222; max-width: 1100px; margin: 24px auto;
       padding: 0 16px; }
h1 { font-size: 24px; margin-bottom: 4px; }
.sub { color: #555; margin-top: 0; }
.counts { display: flex; flex-wrap: wrap; gap: 12px; padding: 0; list-style: none; }
.counts li { background: #f3f0e8; border-radius: 6px; padding: 8px 14px; }
.counts b { display: block; font-size: 20px; }
figure { margin: 20px 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #ddd; }
figcaption { color: #555; font-size: 13px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: left; vertical-align: top; padding: 4px 8px; border-bottom: 1px solid #e2e2e2; }
th { background: #f6f6f6; position: sticky; top: 0; }
td.n { text-align: right; }
td.d { white-space: nowrap; }
footer { margin-top: 28px; color: #666; font-size: 12px; }
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _sources(summary: PlaceSummary) -> str:
    names = sorted({source or doc for doc, _, source in summary.evidence})
    return ", ".join(names)


def _place_rows(places: Sequence[PlaceSummary]) -> list[str]:
    rows = []
    for s in sorted(places, key=place_sort_key):
        first = s.first_seen.isoformat() if s.first_seen else "not known"
        last = s.last_seen.isoformat() if s.last_seen else ""
        region = ", ".join(x for x in (s.place.admin1, s.place.country) if x)
        rows.append(
            f"<tr><td>{_e(s.place.name)}</td><td>{_e(region)}</td>"
            f'<td class="d">{first}</td><td class="d">{last}</td>'
            f'<td class="n">{len(s.dates)}</td><td>{_e(", ".join(s.event_types))}</td>'
            f'<td class="n">{s.n_reports}</td><td>{_e(_sources(s))}</td></tr>'
        )
    return rows


def report_html(
    agg: Aggregates,
    cfg: RenderSettings,
    provenance: Mapping[str, Any],
    images: Mapping[str, bytes],
    links: Sequence[str] = (),
) -> str:
    """Render the report page; ``images`` maps a file name (``spread.png``…) to its PNG bytes.

    ``links`` names sibling output files (``map.html``, ``events.csv``…) to list.
    """
    days = timeline_days(agg)
    documents = len({e.doc for e in agg.events})
    reports = sum(s.n_reports for s in agg.places)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<link rel="icon" href="data:,">',
        f"<title>{_e(cfg.title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{_e(cfg.title)}</h1>",
    ]
    if not agg.places:
        parts.append('<p class="sub">no events found</p>')
    else:
        parts.append(f'<p class="sub">{_e(date_range_text(days))}</p>')
        counts = (
            (len(agg.places), "places"),
            (reports, "reports"),
            (len(agg.events), "events"),
            (documents, "documents"),
            (len(days), "days"),
            (len(agg.regions), "regions"),
            (len(agg.spread), "spread links"),
        )
        parts.append(
            '<ul class="counts">' + "".join(f"<li><b>{n}</b>{label}</li>" for n, label in counts) + "</ul>"
        )
    for name, data in images.items():
        encoded = base64.b64encode(data).decode("ascii")
        parts.append(
            f'<figure><img alt="{_e(name)}" src="data:image/png;base64,{encoded}">'
            f"<figcaption>{_e(_CAPTIONS.get(name, name))}</figcaption></figure>"
        )
    if agg.places:
        parts.append(
            "<h2>Places</h2><table><thead><tr><th>Place</th><th>Region</th><th>First day</th>"
            "<th>Last day</th><th>Days</th><th>Event types</th><th>Reports</th><th>Sources</th></tr>"
            "</thead><tbody>"
        )
        parts.extend(_place_rows(agg.places))
        parts.append("</tbody></table>")
    if agg.background:
        parts.append(
            "<h2>Background</h2><p>Events the articles date outside the window before publication "
            "(history, not the present unrest); they are not on the maps.</p>"
            "<table><thead><tr><th>Place</th><th>Event types</th><th>Document</th><th>Evidence</th></tr>"
            "</thead><tbody>"
        )
        parts.extend(
            f"<tr><td>{_e(e.place.name)}</td><td>{_e(', '.join(e.event_types))}</td><td>{_e(e.doc)}</td>"
            f"<td>{_e(e.evidence[0] if e.evidence else '')}</td></tr>"
            for e in agg.background
        )
        parts.append("</tbody></table>")
    if links:
        items = "".join(f'<li><a href="{_e(name)}">{_e(name)}</a></li>' for name in links)
        parts.append(f"<h2>Files</h2><ul>{items}</ul>")
    generated = f" · generated {_e(provenance['generated'])}" if provenance.get("generated") else ""
    parts.append(
        f"<footer>{_e(GEONAMES_CREDIT)} · {_e(BOUNDARY_CREDIT)} · "
        f"{_e(provenance_line(provenance))}{generated}</footer></body></html>\n"
    )
    return "\n".join(parts)
