"""How big ``map.html`` is and how soon it becomes interactive in headless Chromium.

For each map given (or, with none, a synthetic map of ``--places`` places over
``--days`` days, built through the render API), opens it in Debian's Chromium
with every network request blocked, and prints:

- ``size``: the file size in MB (the target is under 10 MB);
- ``dcl`` / ``load``: DOMContentLoaded and load event ends, seconds after navigation starts;
- ``painted``: the first frame painted once the page's scripts have run (the whole map shown);
- ``interactive``: seconds after navigation until, the map painted, moving the time
  slider to the first day has changed the number of markers on the map and the
  next frame has been painted (the target is under 3 s);
- ``slider``: how long that one slider move took (input event to painted frame);
- ``popup``: how long opening the first marker's popup took;
- ``heap``: the page's used JavaScript heap in MB after the slider moved;
- ``errors``: console errors, page errors and blocked requests (should be 0).

Each map is opened ``--repeat`` times in a fresh browser; the median is shown.
Figures are printed, never asserted: this is a benchmark, not a test.

    python bench/map_load.py                        # synthetic: 5,000 places x 30 days
    python bench/map_load.py outputs/map.html /path/to/other/map.html
    python bench/map_load.py --places 20000 --keep /tmp/big.html
"""

from __future__ import annotations

import argparse
import math
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
# The same launch as tests/render/test_browser.py.
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]  # fmt: skip

# Regions of Kazakhstan (as in data/boundaries/kz_admin1.geojson), so the region layer is drawn too.
_REGIONS = ("KZ-AKM", "KZ-AKT", "KZ-ALM", "KZ-ATY", "KZ-ZAP", "KZ-ZHA", "KZ-KAR", "KZ-KUS", "KZ-KZY",
            "KZ-MAN", "KZ-PAV", "KZ-SEV", "KZ-YUZ", "KZ-VOS", "KZ-AST", "KZ-ALA", "KZ-SHY")  # fmt: skip
_TYPES = ("Protests", "Riots", "Violence against civilians", "Strategic developments", "Battles")
_SYLLABLES = ("ak", "tau", "kent", "bay", "su", "zhan", "kol", "tobe", "sar", "uzen", "kara", "bulak", "oy")
_WORDS = ("protesters", "gathered", "near", "the", "akimat", "police", "dispersed", "crowd", "square",
          "workers", "demanded", "lower", "fuel", "prices", "shots", "were", "heard", "in", "on", "after")  # fmt: skip


def synthetic_aggregates(n_places: int = 5000, n_days: int = 30, *, seed: int = 20220105) -> Any:
    """Aggregates of ``n_places`` distinct places active over ``n_days`` days, with long evidence.

    The spread links are the nearest earlier place, computed with numpy here
    (``geomap.aggregate`` does it pairwise in Python, which takes half a minute
    for 5,000 places).
    """
    import numpy as np

    from geomap.records import Aggregates, Event, Place, PlaceSummary, RegionSummary, SpreadLink

    rng = random.Random(seed)
    start = date(2022, 1, 1)
    events: list[Event] = []
    summaries: list[PlaceSummary] = []
    for i in range(n_places):
        name = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))).title()
        region = rng.choice(_REGIONS)
        place = Place(f"synthetic:{i}", f"{name} {i}", round(rng.uniform(41.0, 55.0), 5),
                      round(rng.uniform(47.0, 87.0), 5), rng.choice(("town", "village", "city")), "KZ",
                      f"Region {region}", rng.randrange(200, 200_000), region)  # fmt: skip
        # Most places are reported once or twice, a few very often (a long tail, as in real corpora).
        n_reports = min(int(rng.paretovariate(1.3)) + rng.randint(0, 1), 400)
        first = rng.randrange(n_days)
        own: list[Event] = []
        for _ in range(n_reports):
            day = start + timedelta(days=min(n_days - 1, first + int(rng.expovariate(0.4))))
            types = tuple(sorted(set(rng.sample(_TYPES, rng.randint(1, 2)))))
            doc = f"article-{rng.randrange(100_000):06d}.txt"
            words = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(12, 70)))
            sentence = f"In {place.name}, {words}."
            own.append(Event(doc, place, day, types, (sentence,), event_type=types[0], title=f"Report {doc}",
                             source=f"Wire {rng.randrange(40)}", url=f"https://example.org/{doc}"))  # fmt: skip
        events.extend(own)
        dates = tuple(sorted({e.date for e in own if e.date}))
        summaries.append(
            PlaceSummary(
                place=place,
                first_seen=dates[0],
                last_seen=dates[-1],
                dates=dates,
                n_reports=len(own),
                n_documents=len({e.doc for e in own}),
                event_types=tuple(sorted({t for e in own for t in e.event_types})),
                evidence=tuple(dict.fromkeys((e.doc, s, e.source) for e in own for s in e.evidence)),
            )
        )
    summaries.sort(key=lambda p: (p.first_seen, -p.n_reports, p.place.name))

    lat = np.radians([s.place.lat for s in summaries])
    lon = np.radians([s.place.lon for s in summaries])
    firsts = np.array([s.first_seen.toordinal() for s in summaries])
    spread = []
    for j, summary in enumerate(summaries):
        earlier = np.flatnonzero(firsts < firsts[j])
        if not earlier.size:
            continue
        h = (np.sin((lat[earlier] - lat[j]) / 2) ** 2
             + np.cos(lat[j]) * np.cos(lat[earlier]) * np.sin((lon[earlier] - lon[j]) / 2) ** 2)  # fmt: skip
        k = int(earlier[np.argmin(h)])
        km = 2 * 6371.0 * math.asin(min(1.0, math.sqrt(float(h.min()))))
        spread.append(SpreadLink(summaries[k].place, summary.place, summaries[k].first_seen,
                                 summary.first_seen, round(km, 1)))  # fmt: skip
    regions = []
    for region in _REGIONS:
        inside = [s for s in summaries if s.place.admin1_id == region]
        if inside:
            regions.append(RegionSummary(region, f"Region {region}", min(s.first_seen for s in inside),
                                         len(inside), sum(s.n_reports for s in inside),
                                         tuple(sorted({t for s in inside for t in s.event_types}))))  # fmt: skip
    days = tuple(sorted({d for s in summaries for d in s.dates}))
    return Aggregates(tuple(events), tuple(summaries), days, tuple(spread), tuple(regions))


def write_synthetic_map(path: Path, n_places: int, n_days: int) -> float:
    """Render the synthetic map to ``path``; return the seconds rendering took."""
    from geomap.config import RenderSettings
    from geomap.render.html_map import build_map, map_html

    agg = synthetic_aggregates(n_places, n_days)
    started = time.perf_counter()
    page = map_html(build_map(agg, RenderSettings(), {"version": "bench", "config_id": "synthetic"}))
    seconds = time.perf_counter() - started
    path.write_text(page, encoding="utf-8")
    return seconds


# Works whatever draws the markers (SVG paths or a canvas): it asks the page's own objects.
_MARKER_STATE = """() => {
    const key = Object.keys(window).find(k => k.startsWith("place_markers_"));
    const input = document.querySelector("input.geomap-slider-input");
    if (!key || !window[key] || !input) { return null; }
    const places = window[key];
    return {visible: places.markers.filter(m => places.group.hasLayer(m.layer)).length,
            total: places.markers.length, last: Number(input.max)};
}"""

_MOVE_SLIDER = """async () => {
    const key = Object.keys(window).find(k => k.startsWith("place_markers_"));
    const places = window[key];
    const input = document.querySelector("input.geomap-slider-input");
    const count = () => places.markers.filter(m => places.group.hasLayer(m.layer)).length;
    const frame = () => new Promise(resolve => requestAnimationFrame(() => setTimeout(resolve, 0)));
    await frame();  // the reader sees the whole map first
    const painted = performance.now();
    const before = count();
    const started = performance.now();
    input.value = 0;
    input.dispatchEvent(new Event("input", {bubbles: true}));
    await frame();
    const after = count();
    const done = performance.now();
    const marker = places.markers.find(m => places.group.hasLayer(m.layer));
    let popup = null;
    if (marker) {
        const opened = performance.now();
        // Older maps bind a popup to each marker instead of offering places.open.
        if (places.open) { places.open(places.markers.indexOf(marker)); } else { marker.layer.openPopup(); }
        await frame();
        popup = document.querySelector(".leaflet-popup-content") ? performance.now() - opened : null;
        places.group._map.closePopup();
    }
    const nav = performance.getEntriesByType("navigation")[0];
    return {before: before, after: after, slider: done - started, painted: painted, interactive: done, popup: popup,
            dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd,
            heap: performance.memory ? performance.memory.usedJSHeapSize : null};
}"""


def measure(path: Path) -> dict[str, Any]:
    """Open ``path`` once in a fresh headless Chromium; return its timings in seconds."""
    from playwright.sync_api import sync_playwright

    trouble: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 860})
            page.on("console", lambda m: m.type == "error" and trouble.append(m.text))
            page.on("pageerror", lambda e: trouble.append(str(e)))

            def route(request_route: Any) -> None:
                if request_route.request.url.startswith(("file:", "data:")):
                    request_route.continue_()
                else:
                    trouble.append(f"blocked {request_route.request.url}")
                    request_route.abort()

            page.route("**/*", route)
            page.goto(path.resolve().as_uri(), wait_until="commit", timeout=120_000)
            page.wait_for_function(f"({_MARKER_STATE})() !== null", timeout=120_000, polling=20)
            state = page.evaluate(_MARKER_STATE)
            result = page.evaluate(_MOVE_SLIDER)
            cdp = page.context.new_cdp_session(page)
            cdp.send("Performance.enable")
            metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
        finally:
            browser.close()
    changed = result["before"] != result["after"] or state["last"] == 0
    return {
        "markers": state["total"],
        "visible": f"{result['before']}->{result['after']}",
        "responds": changed,
        "dcl": result["dcl"] / 1000,
        "load": result["load"] / 1000,
        "painted": result["painted"] / 1000,
        "interactive": result["interactive"] / 1000,
        "slider": result["slider"] / 1000,
        "popup": (result["popup"] or 0.0) / 1000,
        "heap": metrics.get("JSHeapUsedSize", result["heap"] or 0) / 1e6,
        "errors": len(trouble),
        "trouble": trouble[:3],
    }


def _median(runs: list[dict[str, Any]], key: str) -> float:
    return statistics.median(run[key] for run in runs)


# (heading, width, the cell of one map from its runs)
_COLUMNS: list[tuple[str, int, Any]] = [
    ("markers", 8, lambda runs: str(runs[0]["markers"])),
    ("dcl s", 6, lambda runs: f"{_median(runs, 'dcl'):.2f}"),
    ("load s", 7, lambda runs: f"{_median(runs, 'load'):.2f}"),
    ("painted s", 10, lambda runs: f"{_median(runs, 'painted'):.2f}"),
    ("interactive s", 14, lambda runs: f"{_median(runs, 'interactive'):.2f} "
                                       f"({min(run['interactive'] for run in runs):.2f})"),
    ("slider s", 9, lambda runs: f"{_median(runs, 'slider'):.3f}"),
    ("popup s", 8, lambda runs: f"{_median(runs, 'popup'):.3f}"),
    ("heap MB", 8, lambda runs: f"{_median(runs, 'heap'):.1f}"),
    ("visible", 12, lambda runs: runs[0]["visible"]),
    ("errors", 7, lambda runs: str(max(run["errors"] for run in runs))),
]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("maps", nargs="*", type=Path, help="map.html files (default: a synthetic map)")
    parser.add_argument("--places", type=int, default=5000, help="places in the synthetic map")
    parser.add_argument("--days", type=int, default=30, help="days in the synthetic map")
    parser.add_argument("--repeat", type=int, default=3, help="fresh browser opens per map (median shown)")
    parser.add_argument("--keep", type=Path, help="write the synthetic map here instead of a temporary file")
    args = parser.parse_args()
    if not CHROMIUM.exists():
        sys.exit(f"{CHROMIUM} is missing: apt-get install chromium")

    with tempfile.TemporaryDirectory() as scratch:
        maps = list(args.maps)
        if not maps:
            path = args.keep or Path(scratch) / "map.html"
            seconds = write_synthetic_map(path, args.places, args.days)
            print(f"synthetic map: {args.places} places x {args.days} days, rendered in {seconds:.1f} s -> {path}")
            maps = [path]
        # Timings on a busy machine are slower and noisier: say how busy it was.
        print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; "
              f"median of {args.repeat} opens (best interactive in brackets)")  # fmt: skip
        print(f"{'map':<44} {'size MB':>8}" + "".join(f" {head:>{width}}" for head, width, _ in _COLUMNS))
        for path in maps:
            runs = [measure(path) for _ in range(args.repeat)]
            name = str(path) if len(str(path)) <= 44 else "…" + str(path)[-43:]
            cells = "".join(f" {cell(runs):>{width}}" for _, width, cell in _COLUMNS)
            responds = "" if all(run["responds"] for run in runs) else "  (the slider did not change the markers)"
            print(f"{name:<44} {path.stat().st_size / 1e6:>8.2f}{cells}{responds}")
            for run in runs:
                for line in run["trouble"]:
                    print(f"    error: {line}")


if __name__ == "__main__":
    main()
