import json
import re
from datetime import date, timedelta
from pathlib import Path

import folium
import pytest
from conftest import PROVENANCE, XSS, build, hostile, sample

from geomap.config import RenderSettings
from geomap.errors import OutputError
from geomap.records import Aggregates, Event, Place
from geomap.render import build_map, write_outputs
from geomap.render.assets import assert_offline, resource_text
from geomap.render.html_map import arrowhead, fragment_html, map_html
from geomap.render.map_elements import js_value
from geomap.render.report import report_html

HTML_ONLY = RenderSettings(png=False, gpkg=False, csv=False, report=False)
_REMOTE_LOAD = re.compile(r"<(script|link|img|iframe)\b[^>]*\b(src|href)\s*=\s*[\"']?(https?:)?//", re.I)


def _page(agg: Aggregates, cfg: RenderSettings = HTML_ONLY) -> str:
    return map_html(build_map(agg, cfg, PROVENANCE))


def _data(page: str, element: str = "place_markers") -> dict | list:
    # The data an element hands to the page's script (see PlaceMarkers and SpreadArrows).
    found = re.search(rf'<script type="application/json" id="{element}_\w+_data">(.*?)</script>', page)
    assert found, f"no {element} data in the page"
    return json.loads(found.group(1))


def _rows(page: str) -> list:
    return _data(page)["rows"]


def test_map_loads_nothing_from_the_network():
    page = _page(sample())
    assert not _REMOTE_LOAD.search(page)
    assert "<script src" not in page and '<link rel="stylesheet"' not in page
    assert "Leaflet 1.9.3" in page  # inlined from folium-offline
    assert "L.heatLayer" in page or "heatLayer" in page
    for unused in ("bootstrap", "jquery", "fontawesome", "glyphicons", "awesome-markers"):
        assert f"{unused}.min.css" not in page.lower() and f"/{unused}" not in page.lower()
    assert "tile.openstreetmap" not in page and "basemaps.cartocdn" not in page


def test_online_tiles_only_when_asked():
    page = _page(sample(), RenderSettings(online_tiles=True))
    assert "tile.openstreetmap.org" in page and "OpenStreetMap (online)" in page
    assert not _REMOTE_LOAD.search(page)


def test_one_marker_row_per_place_with_lat_lon_and_first_day():
    rows = _rows(_page(sample()))
    assert len(rows) == 5
    zhanaozen = rows[0]
    assert zhanaozen[:2] == [43.34116, 52.86192]  # Leaflet wants (lat, lon)
    assert zhanaozen[4] == 0 and zhanaozen[5] == [0, 1, 2]
    assert rows[-1][4] == -1  # Shymkent: undated
    assert rows[0][3] != rows[1][3]  # coloured by first day
    assert rows[0][2] > rows[2][2]  # sized by reports: 3 vs 1


def test_layers_for_every_day_and_type_and_the_overlays():
    page = _page(sample())
    for day in ("2022-01-02", "2022-01-03", "2022-01-04", "2022-01-05"):
        assert f'"Day {day}: ' in page
    assert '"Type: Protests (5 places)"' in page and '"Type: Riots (1 places)"' in page
    for name in ("Event places (5)", "Likely spread (3 links)", "Regions by first day of unrest",
                 "Heat map (reports)", "Offline base map (Natural Earth)"):  # fmt: skip
        assert f'"{name}"' in page, name
    assert "L.control.scale()" in page
    assert "geomap 0.1.0 · config ab12cd34 · gazetteer 0123456789ab" in page
    assert "GeoNames" in page and "COD-AB" in page


def test_slider_labels_and_title():
    page = _page(sample())
    assert "2022-01-02 · 1 new · 1 places so far" in page
    assert "2022-01-04 · 2 new · 4 places so far" in page
    assert "2022-01-02 – 2022-01-05 (4 days)" in page
    assert 'type = "range"' in page


def test_popups_and_arrows_refer_to_shared_tables():
    page = _page(sample())
    places = _data(page)
    assert places["days"] == ["2022-01-02", "2022-01-03", "2022-01-04", "2022-01-05"]
    assert places["types"] == ["Protests", "Riots"]
    almaty = next(row for row in places["rows"] if row[7][0] == "Almaty")
    assert places["wheres"][almaty[7][1]] == "Almaty, KZ · city"
    assert almaty[7][2:5] == [3, 3, 2]  # last day 2022-01-05, 3 reports in 2 documents
    assert [places["sources"][q[1]][1] for q in almaty[7][5]] == ["Test Wire", "Third Wire", "Third Wire"]
    arrows = _data(page, "spread_arrows")
    names = [[places["rows"][a[0]][7][0], places["rows"][a[1]][7][0]] for a in arrows]
    assert names == [["Zhanaozen", "Aktau"], ["Aktau", "Aktobe"], ["Zhanaozen", "Almaty"]]
    assert [a[2:4] for a in arrows] == [[0, 1], [1, 2], [0, 2]] and arrows[0][5] == 145
    assert '"preferCanvas": false' in page  # a small map keeps one SVG element per marker


def test_arrowhead_points_at_the_destination():
    tip, left, right = arrowhead((43.34116, 52.86192), (43.25249, 76.9115))
    assert 70 < tip[1] < 76.9115 and abs(tip[0] - 43.25) < 0.5
    assert left[1] < tip[1] and right[1] < tip[1]
    assert left[0] != right[0]


@pytest.fixture(scope="module")
def hostile_pages(tmp_path_factory) -> dict[str, str]:
    out = tmp_path_factory.mktemp("hostile")
    cfg = RenderSettings(title=f"Title {XSS[0]}", png=False, gpkg=False, csv=False, dpi=72)
    write_outputs(hostile(), cfg, out, PROVENANCE)
    return {
        name: (out / name).read_text(encoding="utf-8")
        for name in ("map.html", "map_fragment.html", "report.html")
    }


@pytest.mark.parametrize("payload", XSS)
def test_article_text_is_escaped_everywhere(hostile_pages: dict[str, str], payload: str):
    for name, text in hostile_pages.items():
        assert payload not in text, name
        assert "javascript:alert" not in text, name
    assert "Town&lt;script&gt;alert(1)&lt;/script&gt;" in hostile_pages["report.html"]


def test_unsafe_urls_are_not_linked():
    page = _page(hostile())
    assert "javascript:" not in page
    assert "https://example.org/\\u0026quot;" in page  # kept, but its quote is escaped


def test_js_value_cannot_close_a_script():
    assert "</" not in js_value(["</script>", "<!--", "'"])


def test_empty_aggregates_render_a_map_saying_no_events_found(tmp_path: Path):
    written = write_outputs(Aggregates((), (), ()), HTML_ONLY, tmp_path, PROVENANCE)
    page = (tmp_path / "map.html").read_text(encoding="utf-8")
    assert "no events found" in page
    assert "Leaflet 1.9.3" in page and not _REMOTE_LOAD.search(page)
    assert [p.name for p in written][-2:] == ["map.html", "map_fragment.html"]


def test_map_is_deterministic_and_small():
    first, second = _page(sample()), _page(sample())
    assert first == second
    assert len(first.encode()) < 1_500_000


def test_fragment_does_not_restyle_the_host_page():
    m = build_map(sample(), HTML_ONLY, PROVENANCE)
    fragment = fragment_html(m)
    assert "<html" not in fragment and "<body" not in fragment and "<head" not in fragment
    assert "html, body" not in fragment
    assert fragment.startswith('<div class="geomap-fragment"')
    assert "Leaflet 1.9.3" in fragment and f'id="{m.get_name()}"' in fragment
    assert not _REMOTE_LOAD.search(fragment)


def test_build_map_returns_a_folium_map():
    assert isinstance(build_map(sample(), RenderSettings(), PROVENANCE), folium.Map)


def test_offline_check_rejects_cdn_links():
    with pytest.raises(OutputError):
        assert_offline('<link rel="stylesheet" href="https://cdn.example/x.css">')
    assert_offline('<a href="https://www.geonames.org/">GeoNames</a>')


def test_missing_offline_copy_fails_loudly():
    with pytest.raises(OutputError, match="no offline copy of nothing-like-this.js"):
        resource_text("https://cdn.example/nothing-like-this.js")


@pytest.mark.slow
def test_thousands_of_places_stay_under_ten_megabytes():
    start = date(2022, 1, 1)
    long_sentence = (
        "Protesters gathered in the central square and the police dispersed them later that day. " * 3
    )
    events = []
    for i in range(6000):
        place = Place(f"geonames:{i}", f"Place {i}", 41 + (i % 140) / 10, 47 + (i // 140) / 1.2, "town", "KZ")
        for k in range(3):
            events.append(
                Event(
                    f"doc{(i * 7 + k) % 40000}.txt",
                    place,
                    start + timedelta(days=(i + k) % 30),
                    ("Protests",),
                    (long_sentence,),
                    source="Wire",
                    url=f"https://example.org/{i}",
                )
            )
    page = _page(build(events))
    assert len(_rows(page)) == 6000
    assert len(page.encode()) < 10_000_000
    assert '"preferCanvas": true' in page


def test_report_is_self_contained(tmp_path: Path):
    write_outputs(sample(), RenderSettings(html=False, gpkg=False), tmp_path, PROVENANCE)
    report = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert report.count('src="data:image/png;base64,') == 2
    assert not _REMOTE_LOAD.search(report)
    assert "2022-01-02 – 2022-01-05 (4 days)" in report
    assert report.count("<tr><td>") == 5
    assert '<td>Zhanaozen</td><td>Mangystau Region, KZ</td><td class="d">2022-01-02</td>' in report
    assert "Other Wire, Test Wire" in report


def test_report_for_no_events():
    page = report_html(Aggregates((), (), ()), RenderSettings(), PROVENANCE, {})
    assert "no events found" in page and "<table" not in page
