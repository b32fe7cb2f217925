"""Open the rendered map in headless Chromium with every network request blocked."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import PROVENANCE, XSS, hostile, sample

from geomap.config import RenderSettings
from geomap.records import Aggregates
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


def _popups(page) -> list[dict]:
    """Open every place popup in turn; return its text and whether it holds injected elements."""
    return page.evaluate(
        """() => {
            const key = Object.keys(window).find(k => k.startsWith("place_markers_"));
            return window[key].markers.map(m => {
                m.layer.openPopup();
                const box = document.querySelector(".leaflet-popup-content");
                const result = {text: box.textContent,
                                injected: box.querySelectorAll("script, img, b, iframe").length,
                                links: [...box.querySelectorAll("a")].map(a => a.getAttribute("href"))};
                m.layer.closePopup();
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
        _set_slider(page, 2)  # 2022-01-04: four dated places
        assert places.count() == 5
        assert page.locator('path.geomap-place[stroke="#111111"]').count() == 2
        assert page.locator("path.geomap-spread").count() == 3
        assert page.locator("path.geomap-arrowhead").count() == 3

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
