"""The interactive map: a folium map that opens from disk with no network at all.

Layers: an offline vector basemap (Natural Earth countries and lakes, region
outlines), optional online tiles, regions coloured by their first day, the
event places (one circle per place, sized by reports, coloured by first day),
one layer per day and per event type, the spread arrows and a heat map. A
time slider replays the spread; a legend, a title, a scale bar and the credits
(with the provenance stamp) complete it.

Big maps stay small and quick (``bench/map_load.py`` measures them): each
place is written once, popups and the day and type layers are made in the
browser only when needed, the spread arrows of a day are one shape, and from
``_CANVAS_FROM`` places on, Leaflet draws on a canvas instead of one SVG
element per marker.

Every piece of article text is passed through :func:`html.escape` here, before
it is handed to the page.

Examples
--------
>>> from geomap.config import RenderSettings
>>> m = build_map(Aggregates((), (), ()), RenderSettings(), {"version": "0.1.0"})
>>> "no events found" in map_html(m)
True
"""

from __future__ import annotations

import hashlib
import html
import math
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import folium
from branca.element import Element, Figure
from folium.map import CustomPane
from folium.plugins import HeatMap
from shapely.geometry import mapping

from geomap.config import RenderSettings
from geomap.records import Aggregates, PlaceSummary, SpreadLink
from geomap.render._common import (
    BOUNDARY_CREDIT,
    NATURAL_EARTH_CREDIT,
    UNDATED_COLOUR,
    colour_of,
    date_range_text,
    day_colours,
    marker_radius,
    provenance_line,
    timeline_days,
)
from geomap.render.assets import assert_offline, inline_assets
from geomap.render.boundaries import Basemap, Bbox, basemap, data_bbox, region_shapes
from geomap.render.geojson import place_sort_key
from geomap.render.map_elements import (
    AttributionText,
    HtmlControl,
    PlaceMarkers,
    SpreadArrows,
    TimeSliderControl,
    js_value,
)

__all__ = ["build_map", "fragment_html", "map_html"]

_EVIDENCE_CHARS = 400
# Quoted evidence is most of a big map's weight: 3 M characters in all, at least 100 per place.
# 20,000 synthetic places with short source URLs make a 9.4 MB map.html (bench/map_load.py).
_EVIDENCE_TOTAL = 3_000_000
_EVIDENCE_FLOOR = 100
_FRAGMENT_HEIGHT = "640px"
# From this many places on, Leaflet draws on a canvas: thousands of SVG elements make a map slow
# to open and to replay. Smaller maps keep SVG (one element per marker, crisp in print).
_CANVAS_FROM = 1000
_PANES = {"basemap": 250, "regions": 350, "places": 450}  # Leaflet's overlayPane (spread arrows) is 400
_SEEN = {"color": "#ffffff", "weight": 1, "opacity": 0.9, "fillOpacity": 0.8}
# A dark ring marks the day's new places: red would vanish against the ramp's orange end.
FRESH_RING = "#111111"
_FRESH = {"color": FRESH_RING, "weight": 3.5, "opacity": 1.0, "fillOpacity": 1.0}
_ARROW = "#5b2333"
_ARROW_STYLES = {
    "line": {"color": _ARROW, "weight": 2, "opacity": 0.85},
    "head": {"color": _ARROW, "weight": 1, "fillColor": _ARROW, "fillOpacity": 0.9},
}
_POSITRON = "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png"
_POSITRON_ATTR = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors '
    '&copy; <a href="https://carto.com/attributions">CARTO</a>'
)
_GEONAMES = (
    'Places: <a href="https://www.geonames.org/" target="_blank" rel="noopener">GeoNames</a> (CC BY 4.0)'
)

_CSS = """<style>
.folium-map.leaflet-container { background: #cfe0ec; font: 13px/1.35 "DejaVu Sans", Arial, sans-serif; }
.geomap-title, .geomap-legend, .geomap-slider { background: rgba(255,255,255,0.93); padding: 6px 10px;
  border-radius: 5px; box-shadow: 0 1px 4px rgba(0,0,0,0.3); color: #222; }
.geomap-title { max-width: 340px; }
.geomap-title h1 { font-size: 15px; margin: 0 0 3px; }
.geomap-title p { margin: 0; font-size: 12px; color: #444; }
.geomap-legend { max-width: 230px; font-size: 12px; }
.geomap-legend h2 { font-size: 12px; margin: 4px 0 2px; }
.geomap-legend .row { display: flex; align-items: center; gap: 6px; margin: 1px 0; }
.geomap-legend .swatch { width: 12px; height: 12px; border-radius: 50%; display: inline-block; }
.geomap-legend .ramp { height: 10px; border-radius: 2px; }
.geomap-legend .ends { display: flex; justify-content: space-between; font-size: 11px; }
.geomap-slider { display: flex; align-items: center; gap: 8px; }
.geomap-slider button { border: 1px solid #888; background: #fff; border-radius: 3px; cursor: pointer;
  width: 30px; height: 24px; font-size: 12px; }
.geomap-slider input { width: 220px; }
.geomap-slider-label { min-width: 190px; font-size: 12px; }
.folium-map .leaflet-control-attribution { max-width: 58%; font-size: 11px; }
.leaflet-popup-content .geomap-popup h4 { margin: 0 0 4px; font-size: 14px; }
.leaflet-popup-content .geomap-popup p { margin: 2px 0; }
.leaflet-popup-content .geomap-popup ul { margin: 4px 0 0; padding-left: 16px; max-height: 180px;
  overflow-y: auto; }
.leaflet-popup-content .geomap-popup li { margin-bottom: 3px; }
.leaflet-popup-content .geomap-popup .src { color: #555; font-size: 11px; }
</style>"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _safe_url(url: str | None) -> str | None:
    if url and url.lower().startswith(("https://", "http://")):
        return url
    return None


class _Sources:
    """The documents quoted in popups, listed once and referred to by index."""

    def __init__(self, articles: Mapping[str, tuple[str | None, str | None]]):
        self._articles = articles
        self._index: dict[tuple[str, str | None], int] = {}
        self.rows: list[list[str]] = []

    def ref(self, doc: str, source: str | None) -> int:
        key = (doc, source)
        if key not in self._index:
            title, url = self._articles.get(doc, (None, None))
            link = _safe_url(url)
            self._index[key] = len(self.rows)
            self.rows.append([_e(doc), _e(source or title or doc), _e(link) if link else ""])
        return self._index[key]


def _evidence_budget(n_places: int) -> int:
    """Characters of quoted evidence per place: generous for small maps, lean for huge ones."""
    return max(_EVIDENCE_FLOOR, min(_EVIDENCE_CHARS * 3, _EVIDENCE_TOTAL // max(n_places, 1)))


def _place_info(
    summary: PlaceSummary, sources: _Sources, wheres: dict[str, int], cfg: RenderSettings, budget: int, last: int
) -> list[Any]:
    """The popup of one place as compact, escaped pieces; the page's script writes it (see PlaceMarkers).

    Text the script can rebuild from the row (dates, event types, counts) is
    left out, and the line saying where a place is (few distinct ones) is
    listed once in ``wheres`` and referred to by index.
    """
    place = summary.place
    where = ", ".join(_e(x) for x in (place.admin1, place.country) if x)
    where_line = f"{where} · {_e(place.kind)}" if where else _e(place.kind)
    quoted = []
    left = budget
    for doc, sentence, source in summary.evidence[: cfg.popup_evidence]:
        if left <= 0:
            break
        limit = min(_EVIDENCE_CHARS, left)
        text = sentence if len(sentence) <= limit else sentence[: limit - 1] + "…"
        left -= len(text)
        quoted.append([_e(text), sources.ref(doc, source)])
    more = len(summary.evidence) - len(quoted)
    where_index = wheres.setdefault(where_line, len(wheres))
    return [_e(place.name), where_index, last, summary.n_reports, summary.n_documents, quoted, more]


def _mercator_y(lat: float) -> float:
    return math.degrees(math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)))


def _latitude(y: float) -> float:
    return math.degrees(2 * math.atan(math.exp(math.radians(y))) - math.pi / 2)


def arrowhead(origin: tuple[float, float], destination: tuple[float, float]) -> list[tuple[float, float]]:
    """Return a triangle ``[(lat, lon), ...]`` pointing at ``destination``, a little short of it.

    Drawn in Web Mercator units so it looks right on the map; it scales with
    the line (bounded), so short links get small heads.

    Examples
    --------
    >>> tip, left, right = arrowhead((43.34, 52.86), (43.66, 51.17))
    >>> 51.17 < tip[1] < 52.86
    True
    """
    x0, y0 = origin[1], _mercator_y(origin[0])
    x1, y1 = destination[1], _mercator_y(destination[0])
    length = math.hypot(x1 - x0, y1 - y0) or 1e-9
    ux, uy = (x1 - x0) / length, (y1 - y0) / length
    head = min(max(0.18 * length, 0.12), 0.9)
    gap = min(0.45 * head, 0.3 * length)
    tip_x, tip_y = x1 - ux * gap, y1 - uy * gap
    base_x, base_y = tip_x - ux * head, tip_y - uy * head
    half = 0.45 * head
    ring = [
        (tip_x, tip_y),
        (base_x - uy * half, base_y + ux * half),
        (base_x + uy * half, base_y - ux * half),
    ]
    return [(round(_latitude(y), 5), round(x, 5)) for x, y in ring]


def _geometry_json(geometry: Any, digits: int = 3) -> dict[str, Any]:
    # Three decimals (~100 m) is plenty for a simplified basemap and keeps map.html small.
    def rounded(c: Any) -> Any:
        return round(float(c), digits) if isinstance(c, (int, float)) else [rounded(x) for x in c]

    shape = mapping(geometry)
    return {"type": shape["type"], "coordinates": rounded(shape["coordinates"])}


def _geojson_of(frame: Any) -> dict[str, Any]:
    features = [
        {"type": "Feature", "id": i, "properties": {}, "geometry": _geometry_json(geometry)}
        for i, geometry in enumerate(frame.geometry)
    ]
    return {"type": "FeatureCollection", "features": features}


def _add_basemap(m: folium.Map, layers: Basemap, cfg: RenderSettings) -> None:
    offline = folium.FeatureGroup(name="Offline base map (Natural Earth)", overlay=False, show=True)
    styles = (
        (layers.countries, {"color": "#9a948a", "weight": 0.8, "fillColor": "#f3f0e8", "fillOpacity": 1.0}),
        (layers.lakes, {"color": "#9cbfd6", "weight": 0.5, "fillColor": "#cfe0ec", "fillOpacity": 1.0}),
        (layers.admin1, {"color": "#8a8a8a", "weight": 0.8, "dashArray": "3 3", "fill": False}),
    )
    for frame, style in styles:
        if frame.empty:
            continue
        folium.GeoJson(
            _geojson_of(frame),
            style_function=lambda _f, s=style: s,
            control=False,
            interactive=False,
            pane="geomap-basemap",
        ).add_to(offline)
    offline.add_to(m)
    if cfg.online_tiles:
        folium.TileLayer("OpenStreetMap", name="OpenStreetMap (online)", overlay=False, show=False).add_to(m)
        # Given as a URL: xyzservices now flags CartoDB as needing an API key, though the
        # public basemap URL still serves tiles; OpenStreetMap remains if it ever stops.
        folium.TileLayer(
            _POSITRON, attr=_POSITRON_ATTR, name="CartoDB Positron (online)", overlay=False, show=False
        ).add_to(m)


def _add_regions(
    m: folium.Map, agg: Aggregates, cfg: RenderSettings, days: Sequence[date], colours: Sequence[str]
) -> None:
    features = []
    for summary, geometry in region_shapes(agg.regions, cfg):
        simple = (
            geometry.simplify(cfg.simplify_degrees, preserve_topology=True)
            if cfg.simplify_degrees
            else geometry
        )
        first = summary.first_seen.isoformat() if summary.first_seen else "date not known"
        label = (
            f"<b>{_e(summary.name)}</b><br>first day: {first}<br>{summary.n_places} places · "
            f"{summary.n_reports} reports"
        )
        features.append(
            {
                "type": "Feature",
                "id": summary.region_id,
                "properties": {"label": label, "fill": colour_of(summary.first_seen, days, colours)},
                "geometry": _geometry_json(simple),
            }
        )
    if not features:
        return
    folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name="Regions by first day of unrest",
        style_function=lambda f: {
            "color": "#555555",
            "weight": 1,
            "fillColor": f["properties"]["fill"],
            "fillOpacity": 0.35,
        },
        on_each_feature=folium.JsCode(
            "function (feature, layer) { layer.bindTooltip(feature.properties.label, {sticky: true}); }"
        ),
        pane="geomap-regions",
    ).add_to(m)


def _title_html(agg: Aggregates, cfg: RenderSettings, days: Sequence[date]) -> str:
    if not agg.places:
        return f"<h1>{_e(cfg.title)}</h1><p>no events found</p>"
    documents = len({e.doc for e in agg.events})
    reports = sum(p.n_reports for p in agg.places)
    return (
        f"<h1>{_e(cfg.title)}</h1><p>{_e(date_range_text(days))}</p>"
        f"<p>{len(agg.places)} places · {reports} reports · {documents} documents</p>"
    )


def _circle_svg(radius: float, fill: str, stroke: str = "#ffffff", width: float = 1.0) -> str:
    size = int(2 * radius + 2 * width + 2)
    c = size / 2
    return (
        f'<svg width="{size}" height="{size}" aria-hidden="true"><circle cx="{c}" cy="{c}" r="{radius}" '
        f'fill="{fill}" stroke="{stroke}" stroke-width="{width}"/></svg>'
    )


def _legend_html(agg: Aggregates, days: Sequence[date], colours: Sequence[str]) -> str:
    if not agg.places:
        return "<h2>no events found</h2>"
    parts = ["<h2>First reported</h2>"]
    if len(days) <= 8:
        for day, colour in zip(days, colours, strict=True):
            parts.append(
                f'<div class="row"><span class="swatch" style="background:{colour}"></span>'
                f"{day.isoformat()}</div>"
            )
    elif days:
        stops = ", ".join(colours[round(i * (len(colours) - 1) / 4)] for i in range(5))
        parts.append(
            f'<div class="ramp" style="background:linear-gradient(to right, {stops})"></div>'
            f'<div class="ends"><span>{days[0].isoformat()}</span><span>{days[-1].isoformat()}</span></div>'
        )
    if any(p.first_seen is None for p in agg.places):
        parts.append(
            f'<div class="row"><span class="swatch" style="background:{UNDATED_COLOUR}"></span>'
            "date not known</div>"
        )
    counts = sorted({1, max(p.n_reports for p in agg.places)})
    if counts[-1] >= 9:
        counts.insert(1, round(math.sqrt(counts[-1])))
    parts.append("<h2>Reports per place</h2>")
    for n in counts:
        parts.append(f'<div class="row">{_circle_svg(marker_radius(n), "#999999")}{n}</div>')
    if days:
        parts.append(f'<div class="row">{_circle_svg(7, "#999999", FRESH_RING, 3)}new on the day shown</div>')
    if agg.spread:
        parts.append(
            '<div class="row"><svg width="34" height="12" aria-hidden="true">'
            '<line x1="1" y1="6" x2="24" y2="6" '
            f'stroke="{_ARROW}" stroke-width="2"/><polygon points="33,6 23,1 23,11" fill="{_ARROW}"/></svg>'
            "likely spread</div>"
        )
    return "".join(parts)


def _credits_html(layers: Basemap, provenance: Mapping[str, Any]) -> str:
    boundary = BOUNDARY_CREDIT if layers.uses_admin1 else NATURAL_EARTH_CREDIT
    return f"{_GEONAMES} · {_e(boundary)} · {_e(provenance_line(provenance))}"


def _basemap_box(bbox: Bbox | None) -> Bbox | None:
    if bbox is None:
        return None
    # Generous margins: the basemap must still look like a map when zoomed out a few levels.
    lon_pad = max(12.0, bbox[2] - bbox[0])
    lat_pad = max(8.0, bbox[3] - bbox[1])
    return (
        max(bbox[0] - lon_pad, -180.0),
        max(bbox[1] - lat_pad, -85.0),
        min(bbox[2] + lon_pad, 180.0),
        min(bbox[3] + lat_pad, 85.0),
    )


def _settle_ids(root: Figure, seed: str) -> None:
    # folium names elements from random ids; numbering them from a content hash makes
    # reruns byte-identical while two different maps on one page still differ.
    def walk(element: Any) -> Any:
        yield element
        for child in element._children.values():
            yield from walk(child)

    for number, element in enumerate(walk(root)):
        element._id = f"{seed}{number:04d}"


def build_map(agg: Aggregates, cfg: RenderSettings, provenance: Mapping[str, Any]) -> folium.Map:
    """Build the interactive map of ``agg`` as a folium Map, every resource already inlined.

    Examples
    --------
    >>> from geomap.records import Place
    >>> almaty = Place("geonames:1526384", "Almaty", 43.25249, 76.9115, "city", "KZ")
    >>> day = date(2022, 1, 4)
    >>> summary = PlaceSummary(almaty, day, day, (day,), 2, 1, ("protest",))
    >>> m = build_map(Aggregates((), (summary,), (date(2022, 1, 4),)), RenderSettings(), {"version": "0.1.0"})
    >>> isinstance(m, folium.Map)
    True
    """
    days = timeline_days(agg)
    colours = day_colours(len(days))
    index = {day: i for i, day in enumerate(days)}
    places = sorted(agg.places, key=place_sort_key)
    points = [(s.place.lat, s.place.lon) for s in places]
    bbox = data_bbox(points, pad_degrees=0.5)
    layers = basemap(cfg, _basemap_box(bbox), cfg.simplify_degrees)

    m = folium.Map(
        location=[40.0, 30.0] if bbox is None else [(bbox[1] + bbox[3]) / 2, (bbox[0] + bbox[2]) / 2],
        zoom_start=2 if bbox is None else 5,
        tiles=None,
        prefer_canvas=len(places) >= _CANVAS_FROM,
        control_scale=True,
        zoom_control="bottomright",
    )
    root = m.get_root()
    root.title = _e(cfg.title)
    root.header.add_child(Element('<link rel="icon" href="data:,">'), name="geomap_favicon")
    root.header.add_child(Element(_CSS), name="geomap_css")
    for pane, z_index in _PANES.items():
        CustomPane(f"geomap-{pane}", z_index=z_index, pointer_events=pane != "basemap").add_to(m)
    if bbox is not None:
        # Set the view before any layer is added, so each shape is projected and drawn once, not twice.
        # Room for the title (top left), legend (bottom right) and slider (bottom left).
        m.fit_bounds(
            [[bbox[1], bbox[0]], [bbox[3], bbox[2]]],
            padding_top_left=(20, 100),
            padding_bottom_right=(200, 60),
            max_zoom=8,
        )
    _add_basemap(m, layers, cfg)

    HtmlControl(_title_html(agg, cfg, days), "topleft", "geomap-title").add_to(m)
    if places:
        _add_data_layers(m, agg, cfg, places, days, index, colours)
    HtmlControl(_legend_html(agg, days, colours), "bottomright", "geomap-legend").add_to(m)
    AttributionText(_credits_html(layers, provenance)).add_to(m)
    folium.LayerControl(collapsed=True).add_to(m)

    seed = hashlib.sha256(js_value([_title_html(agg, cfg, days), points]).encode()).hexdigest()[:8]
    _settle_ids(root, seed)
    inline_assets(root)
    return m


def _event_types(places: Sequence[PlaceSummary]) -> list[str]:
    return sorted({t for s in places for t in s.event_types})


def _add_data_layers(
    m: folium.Map,
    agg: Aggregates,
    cfg: RenderSettings,
    places: Sequence[PlaceSummary],
    days: Sequence[date],
    index: Mapping[date, int],
    colours: Sequence[str],
) -> None:
    types = _event_types(places)
    type_index = {t: i for i, t in enumerate(types)}
    articles = {e.doc: (e.title, e.url) for e in sorted(agg.events, key=lambda e: e.doc)}
    firsts = [index.get(s.first_seen, -1) if s.first_seen else -1 for s in places]

    main = folium.FeatureGroup(name=f"Event places ({len(places)})", show=True)
    spread_group = folium.FeatureGroup(name=f"Likely spread ({len(agg.spread)} links)", show=True)
    main.add_to(m)
    if agg.spread:
        spread_group.add_to(m)
    _add_regions(m, agg, cfg, days, colours)
    HeatMap(
        [[s.place.lat, s.place.lon, s.n_reports] for s in places],
        name="Heat map (reports)",
        show=False,
        radius=22,
        blur=18,
        min_opacity=0.3,
    ).add_to(m)

    day_groups = []
    for i, day in enumerate(days):
        active = sum(1 for s in places if day in s.dates)
        new = sum(1 for f in firsts if f == i)
        group = folium.FeatureGroup(name=f"Day {day.isoformat()}: {active} places ({new} new)", show=False)
        group.add_to(m)
        day_groups.append(group)
    type_groups = []
    for t in types:
        n = sum(1 for s in places if t in s.event_types)
        group = folium.FeatureGroup(name=f"Type: {_e(t)} ({n} places)", show=False)
        group.add_to(m)
        type_groups.append(group)

    sources = _Sources(articles)
    wheres: dict[str, int] = {}
    budget = _evidence_budget(len(places))
    rows = [
        [
            s.place.lat,
            s.place.lon,
            marker_radius(s.n_reports),
            colour_of(s.first_seen, days, colours),
            first,
            sorted({index[d] for d in s.dates if d in index}),
            sorted({type_index[t] for t in s.event_types}),
            _place_info(s, sources, wheres, cfg, budget, index.get(s.last_seen, -1) if s.last_seen else -1),
        ]
        for s, first in zip(places, firsts, strict=True)
    ]
    styles = {"seen": _SEEN, "fresh": _FRESH, "pane": "geomap-places"}
    tables = {
        "sources": sources.rows,
        "wheres": list(wheres),
        "days": [d.isoformat() for d in days],
        "types": [_e(t) for t in types],
    }
    markers = PlaceMarkers(rows, tables, main, day_groups, type_groups, styles)
    markers.add_to(m)

    arrows = None
    if agg.spread:
        arrows = SpreadArrows(_arrow_rows(agg.spread, places, index), markers, spread_group, _ARROW_STYLES)
        arrows.add_to(m)

    if days:
        labels = []
        for i, day in enumerate(days):
            new = sum(1 for f in firsts if f == i)
            so_far = sum(1 for f in firsts if 0 <= f <= i)
            labels.append(f"{day.isoformat()} · {new} new · {so_far} places so far")
        TimeSliderControl(labels, markers, arrows).add_to(m)


def _arrow_rows(
    spread: Sequence[SpreadLink], places: Sequence[PlaceSummary], index: Mapping[date, int]
) -> list[list[Any]]:
    """``[origin_row, destination_row, origin_day, destination_day, arrowhead, km]`` per link (see SpreadArrows).

    Ends are given as the index of their place's row, so names and points are
    written once; a link always joins two places of the map.
    """
    row_of = {s.place.place_id: i for i, s in enumerate(places)}
    links = sorted(spread, key=lambda s: (s.destination_date, s.destination.name, s.origin.name))
    return [
        [
            row_of[s.origin.place_id],
            row_of[s.destination.place_id],
            index.get(s.origin_date, -1),
            index.get(s.destination_date, -1),
            [list(p) for p in arrowhead((s.origin.lat, s.origin.lon), (s.destination.lat, s.destination.lon))],
            round(s.distance_km),
        ]
        for s in links
        if s.origin.place_id in row_of and s.destination.place_id in row_of
    ]


def map_html(m: folium.Map) -> str:
    """Render the standalone page of a map from :func:`build_map`; refuse any network link."""
    page = m.get_root().render()
    assert_offline(page)
    return page


def fragment_html(m: folium.Map, height: str = _FRAGMENT_HEIGHT) -> str:
    """Render the map as one ``<div>`` with its styles and scripts, to paste into a page or iframe.

    It leaves out the page-wide rules of the standalone file (``html, body``
    sizes), so it does not restyle the page it is placed in.
    """
    root = m.get_root()
    page = root.render()
    assert_offline(page)
    skip = {m.get_name(), "meta_http", "geomap_favicon"}
    head = "\n".join(child.render() for name, child in root.header._children.items() if name not in skip)
    body = root.html.render()
    script = root.script.render()
    sizing = f"<style>#{m.get_name()} {{ position: relative; width: 100%; height: 100%; }}</style>"
    fragment = (
        f'<div class="geomap-fragment" style="position: relative; width: 100%; height: {_e(height)};">\n'
        f"{head}\n{sizing}\n{body}\n<script>\n{script}\n</script>\n</div>\n"
    )
    assert_offline(fragment)
    return fragment
