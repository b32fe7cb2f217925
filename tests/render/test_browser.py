"""Open the rendered map in headless Chromium with every network request blocked."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import PROVENANCE, XSS, build, hostile, sample

from geomap.config import RenderSettings
from geomap.records import Aggregates, Event, Place, SpreadLink
from geomap.render import write_outputs

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]  # fmt: skip
HTML_ONLY = RenderSettings(png=False, gpkg=False, csv=False, report=False)


@dataclass
class Trouble:
    console_errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def assert_none(self) -> None:
        assert self.console_errors == [], self.console_errors
        assert self.failed == [], self.failed
        assert self.blocked == [], self.blocked
        assert self.dialogs == [], self.dialogs


@contextmanager
def opened(path: Path) -> Iterator[tuple[object, Trouble]]:
    """The page at ``path`` (file://) in Chromium, with anything but file: and data: aborted."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's Chromium (apt-get install -y chromium; "
            "listed in .ci/apt-packages.txt). The browser test never skips."
        )
    from playwright.sync_api import sync_playwright

    trouble = Trouble()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 860})
            page.on("console", lambda m: m.type == "error" and trouble.console_errors.append(m.text))
            page.on("pageerror", lambda e: trouble.console_errors.append(str(e)))
            page.on("requestfailed", lambda r: trouble.failed.append(r.url))
            page.on("dialog", lambda d: (trouble.dialogs.append(d.message), d.dismiss()))

            def route(request_route):
                url = request_route.request.url
                if url.startswith(("file:", "data:")):
                    request_route.continue_()
                else:
                    trouble.blocked.append(url)
                    request_route.abort()

            page.route("**/*", route)
            page.goto(path.as_uri())
            page.wait_for_timeout(300)
            yield page, trouble
        finally:
            browser.close()


def _set_slider(page, day: int) -> None:
    page.eval_on_selector(
        "input.geomap-slider-input",
        "(el, day) => { el.value = day; el.dispatchEvent(new Event('input', {bubbles: true})); }",
        day,
    )


def _screen_point(page, *latlngs: list[float]) -> tuple[float, float]:
    """Where ``[lat, lon]`` (or the middle of several) is on the page, to click it as a reader would."""
    return page.evaluate(
        """latlngs => {
            const map = window[Object.keys(window).find(k => k.startsWith("map_"))];
            const box = map.getContainer().getBoundingClientRect();
            const points = latlngs.map(latlng => map.latLngToContainerPoint(latlng));
            const mean = axis => points.reduce((sum, p) => sum + p[axis], 0) / points.length;
            return [box.left + mean("x"), box.top + mean("y")];
        }""",
        list(latlngs),
    )


def _popup_text(page) -> str:
    # A closed popup fades out for a moment before it leaves the page.
    page.wait_for_function("document.querySelectorAll('.leaflet-popup-content').length === 1", timeout=5000)
    return page.locator(".leaflet-popup-content").inner_text()


def _arrows_shown(page) -> int:
    return page.evaluate(
        """() => {
            const spread = window[Object.keys(window).find(k => k.startsWith("spread_arrows_"))];
            return spread.days.filter(d => spread.group.hasLayer(d.parts[0]))
                .reduce((n, d) => n + d.arrows.length, 0);
        }"""
    )


def _popups(page) -> list[dict]:
    """Open every place popup in turn; return its text and whether it holds injected elements."""
    return page.evaluate(
        """() => {
            const key = Object.keys(window).find(k => k.startsWith("place_markers_"));
            const places = window[key];
            return places.markers.map((m, index) => {
                places.open(index);
                const box = document.querySelector(".leaflet-popup-content");
                const result = {text: box.textContent,
                                injected: box.querySelectorAll("script, img, b, iframe").length,
                                links: [...box.querySelectorAll("a")].map(a => a.getAttribute("href"))};
                places.group._map.closePopup();
                return result;
            });
        }"""
    )


def test_map_works_offline_and_the_slider_replays_the_spread(tmp_path: Path):
    agg = sample()
    write_outputs(agg, HTML_ONLY, tmp_path, PROVENANCE)
    with opened(tmp_path / "map.html") as (page, trouble):
        places = page.locator("path.geomap-place")
        assert places.count() == len(agg.places) == 5

        labels = page.locator(".leaflet-control-layers-overlays label").all_inner_texts()
        for day in agg.days:
            assert any(f"Day {day.isoformat()}" in text for text in labels), labels
        assert any("Type: Riots" in text for text in labels)
        base = page.locator(".leaflet-control-layers-base label").all_inner_texts()
        assert [b.strip() for b in base] == ["Offline base map (Natural Earth)"]

        _set_slider(page, 0)  # 2022-01-02: Zhanaozen, plus undated Shymkent
        assert places.count() == 2
        assert "2022-01-02 · 1 new" in page.locator(".geomap-slider-label").inner_text()
        assert page.locator('path.geomap-place[stroke="#111111"]').count() == 1
        assert page.locator("path.geomap-spread").count() == 0
        assert _arrows_shown(page) == 0
        _set_slider(page, 2)  # 2022-01-04: four dated places
        assert places.count() == 5
        assert page.locator('path.geomap-place[stroke="#111111"]').count() == 2
        assert _arrows_shown(page) == 3
        # The arrows of one day are drawn together: 2022-01-03 (one) and 2022-01-04 (two).
        assert page.locator("path.geomap-spread").count() == 2
        assert page.locator("path.geomap-arrowhead").count() == 2
        page.mouse.click(*_screen_point(page, [43.66105, 51.17392], [50.27969, 57.20718]))
        assert "Aktau → Aktobe" in _popup_text(page)  # the arrow clicked, of the two drawn together
        page.mouse.click(*_screen_point(page, [43.25249, 76.9115]))
        assert "In Almaty, protesters stormed" in _popup_text(page)

        page.hover(".leaflet-control-layers")  # the collapsed control opens on hover
        overlays = page.locator(".leaflet-control-layers-overlays label")
        overlays.filter(has_text="Day 2022-01-04").locator("input").check()
        assert page.locator("path.geomap-day-place").count() == 4
        overlays.filter(has_text="Heat map").locator("input").check()
        assert page.locator("canvas.leaflet-heatmap-layer").count() == 1

        _set_slider(page, 3)
        page.locator("button.geomap-slider-play").click()  # at the end, play starts again from day one
        for day in ("2022-01-02", "2022-01-03"):
            page.wait_for_function(
                "day => document.querySelector('.geomap-slider-label').textContent.startsWith(day)",
                arg=day,
                timeout=5000,
            )

        popups = _popups(page)
        assert "Zhanaozen" in popups[0]["text"] and "Workers in Zhanaozen protested" in popups[0]["text"]
        assert "https://example.org/a" in popups[0]["links"]
        assert "GeoNames" in page.locator(".leaflet-control-attribution").inner_text()
        assert "config ab12cd34" in page.locator(".leaflet-control-attribution").inner_text()
        assert (
            page.locator(".geomap-legend").is_visible()
            and page.locator(".leaflet-control-scale").is_visible()
        )

        page.screenshot(path=str(tmp_path / "map.png"))
        trouble.assert_none()
    assert (tmp_path / "map.png").stat().st_size > 10_000


def test_hostile_text_stays_text_in_the_browser(tmp_path: Path):
    write_outputs(
        hostile(), RenderSettings(title=XSS[0], png=False, gpkg=False, csv=False), tmp_path, PROVENANCE
    )
    with opened(tmp_path / "map.html") as (page, trouble):
        popups = _popups(page)
        assert len(popups) == 2
        assert all(p["injected"] == 0 for p in popups), popups
        assert XSS[0] in popups[0]["text"] + popups[1]["text"]  # shown as text, escaped exactly once
        assert all(not href.startswith("javascript:") for p in popups for href in p["links"])
        assert XSS[0] in page.locator(".geomap-title h1").inner_text()
        page.evaluate("() => window[Object.keys(window).find(k => k.startsWith('spread_arrows_'))].open(0)")
        assert f"Town{XSS[0]} → Almaty" in _popup_text(page)
        assert page.locator(".leaflet-popup-content").locator("script, img, b").count() == 0
        trouble.assert_none()
    with opened(tmp_path / "report.html") as (page, trouble):
        assert page.locator("table img, table script, table b").count() == 0
        trouble.assert_none()


def test_empty_map_says_no_events_found(tmp_path: Path):
    write_outputs(Aggregates((), (), ()), HTML_ONLY, tmp_path, PROVENANCE)
    with opened(tmp_path / "map.html") as (page, trouble):
        assert "no events found" in page.locator(".geomap-title").inner_text()
        assert page.locator("path.geomap-place").count() == 0
        trouble.assert_none()


def test_fragment_works_inside_a_host_page(tmp_path: Path):
    write_outputs(sample(), HTML_ONLY, tmp_path, PROVENANCE)
    fragment = (tmp_path / "map_fragment.html").read_text(encoding="utf-8")
    host = tmp_path / "host.html"
    host.write_text(
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"></head>'
        f'<body style="margin: 20px"><h1 id="host">Host page</h1>{fragment}'
        '<p id="after">after</p></body></html>',
        encoding="utf-8",
    )
    with opened(host) as (page, trouble):
        assert page.locator("path.geomap-place").count() == 5
        assert page.locator("#host").is_visible() and page.locator("#after").is_visible()
        assert page.evaluate("getComputedStyle(document.body).marginTop") == "20px"
        trouble.assert_none()


def _many_places(n_places: int = 3000, n_days: int = 30) -> Aggregates:
    """Thousands of distinct places over a month (one with a hostile name), each linked to an earlier one."""
    start = date(2022, 1, 1)
    sentence = "Protesters gathered near the akimat and the police dispersed them later that day. " * 3
    events = []
    for i in range(n_places):
        name = f"Town{XSS[0]}" if i == 7 else f"Place {i}"
        lat, lon = 41 + (i % 50) / 4, 50 + (i // 50) / 2
        place = Place(f"geonames:{i}", name, lat, lon, "town", "KZ", "Karaganda Region", 0, "KZ-KAR")
        for k in range(3):
            types = ("Protests",) if (i + k) % 3 else ("Riots", "Protests")
            text = f"{sentence}{XSS[2]}" if i == 7 else sentence
            day = start + timedelta(days=(i + 2 * k) % n_days)
            events.append(Event(f"doc{(7 * i + k) % 20000}.txt", place, day, types, (text,), event_type=types[0],
                                source="Wire", url=f"https://example.org/{i}/{k}"))  # fmt: skip
    agg = build(events)
    links, anchor, day, last = [], None, None, None
    for summary in agg.places:  # sorted by first day: link each place to the last place of an earlier day
        if summary.first_seen != day:
            anchor, day = last, summary.first_seen
        if anchor is not None:
            km = round(anchor.place.distance_km(summary.place), 1)
            links.append(SpreadLink(anchor.place, summary.place, anchor.first_seen, summary.first_seen, km))
        last = summary
    return replace(agg, spread=tuple(links))


def _layers_shown(page, class_name: str) -> int:
    """Markers of ``class_name`` on the map, whether Leaflet draws them as SVG or on a canvas."""
    return page.evaluate(
        """className => {
            const map = window[Object.keys(window).find(k => k.startsWith("map_"))];
            let n = 0;
            map.eachLayer(layer => { if (layer.options && layer.options.className === className) { n += 1; } });
            return n;
        }""",
        class_name,
    )


def _painted_pixels(page) -> int:
    """Pixels the canvas of the place markers has drawn, once the next frame is painted."""
    return page.evaluate(
        """async () => {
            await new Promise(resolve => requestAnimationFrame(() => requestAnimationFrame(resolve)));
            const canvas = document.querySelector(".leaflet-geomap-places-pane canvas");
            const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
            let n = 0;
            for (let i = 3; i < pixels.length; i += 4) { if (pixels[i] > 0) { n += 1; } }
            return n;
        }"""
    )


def test_a_map_of_thousands_of_places_stays_small_and_works(tmp_path: Path):
    agg = _many_places()
    write_outputs(agg, HTML_ONLY, tmp_path, PROVENANCE)
    path = tmp_path / "map.html"
    assert path.stat().st_size < 10_000_000
    assert not any(payload in path.read_text(encoding="utf-8") for payload in XSS)
    days = agg.days
    with opened(path) as (page, trouble):
        # Drawn on one canvas: thousands of SVG elements make a map slow to open and to replay.
        assert page.locator(".leaflet-geomap-places-pane canvas").count() == 1
        assert page.locator("path.geomap-place").count() == 0
        assert _layers_shown(page, "geomap-place") == len(agg.places) == 3000
        assert _arrows_shown(page) == len(agg.spread)
        everything = _painted_pixels(page)

        _set_slider(page, 0)
        first_day = sum(1 for s in agg.places if s.first_seen == days[0])
        assert 0 < _layers_shown(page, "geomap-place") == first_day < 3000
        assert _arrows_shown(page) == 0
        assert 0 < _painted_pixels(page) < everything
        assert f"{days[0].isoformat()} · {first_day} new" in page.locator(".geomap-slider-label").inner_text()
        _set_slider(page, 15)
        assert _layers_shown(page, "geomap-place") == sum(1 for s in agg.places if s.first_seen <= days[15])
        assert _arrows_shown(page) == sum(1 for link in agg.spread if link.destination_date <= days[15])

        # A hidden day layer gets its markers when the reader turns it on.
        assert _layers_shown(page, "geomap-day-place") == 0
        page.hover(".leaflet-control-layers")
        page.locator(".leaflet-control-layers-overlays label").filter(has_text=f"Day {days[4].isoformat()}").locator(
            "input"
        ).check()
        assert _layers_shown(page, "geomap-day-place") == sum(1 for s in agg.places if days[4] in s.dates)
        page.mouse.move(5, 400)  # let the layer control fold away

        place = next(s.place for s in agg.places if s.first_seen == days[15])
        page.mouse.click(*_screen_point(page, [place.lat, place.lon]))
        assert "3 reports in 3 documents" in _popup_text(page)  # one of the places drawn there
        hostile_place = next(i for i, s in enumerate(agg.places) if s.place.place_id == "geonames:7")
        page.evaluate(
            "i => window[Object.keys(window).find(k => k.startsWith('place_markers_'))].open(i)", hostile_place
        )
        popup = page.locator(".leaflet-popup-content")
        assert XSS[0] in _popup_text(page) and popup.locator("script, img, b").count() == 0
        trouble.assert_none()
