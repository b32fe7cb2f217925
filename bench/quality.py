"""Score geomap against gold annotations with the evaluation's own scorer.

Runs the text stages and the GeoJSON writer on a folder of articles, then
calls the scorer script (for example ``../shared/eval/score.py``) on the
written ``events.geojson``. Nothing here reads or stores the articles beyond
the run itself.

    python bench/quality.py --articles ../shared/eval/dev/articles \\
        --gold ../shared/eval/dev/gold.json --scorer ../shared/eval/score.py
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from geomap.config import Settings
from geomap.pipeline import run


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", required=True, nargs="+", help="files or folders")
    ap.add_argument("--gold", required=True)
    ap.add_argument("--scorer", default=str(Path(__file__).resolve().parents[1].parent / "shared/eval/score.py"))
    ap.add_argument("--out", help="keep the outputs here (default: a temporary folder)")
    ap.add_argument("--verbose", "-v", action="store_true", help="per-document lines")
    a = ap.parse_args(argv)
    out = Path(a.out or tempfile.mkdtemp(prefix="geomap-quality-"))
    settings = Settings.load(
        None, out=out, engine={"cache": False, "jobs": 1},
        render={"html": False, "png": False, "gpkg": False, "csv": False, "report": False},
    )
    started = time.perf_counter()
    result = run(a.articles, settings)
    seconds = time.perf_counter() - started
    scored = subprocess.run(
        [sys.executable, a.scorer, "--gold", a.gold, "--events", str(out / "events.geojson")],
        capture_output=True, text=True, check=False,
    )
    lines = scored.stdout.strip().splitlines()
    print("\n".join(lines if a.verbose else lines[-1:]))
    if scored.returncode:
        print(scored.stderr, file=sys.stderr)
    print(f"{result.documents} documents, {len(result.aggregates.events)} events, {seconds:.2f} s")
    return scored.returncode


if __name__ == "__main__":
    sys.exit(main())
