"""Throughput and memory of geomap on synthetic corpora, beside two floors.

Builds corpora of N articles (~3 kB each) by recombining the sentences of the
sample articles in ``seeds/`` with a fixed random seed, writes each corpus as
one JSONL file, and prints, per size:

- ``scan``: the floor, one Aho-Corasick pass of the same gazetteer names over
  the normalised text (no resolution, dating or events);
- ``geotext``: geotext, a dictionary matcher that does far less than geomap
  (only when the ``geotext`` package is installed);
- ``extract``: ``geomap extract`` (text stages, events.geojson/.jsonl);
- ``run``: ``geomap run`` (everything, maps and images included).

Each measurement runs in a fresh process, so peak memory (max RSS) is its own.
Figures are printed, never asserted: this is a benchmark, not a test.

    python bench/throughput.py --sizes 1000 10000 100000
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def build_corpus(path: Path, n: int, *, seed: int = 20220105, size: int = 3000) -> int:
    """Write ``n`` synthetic articles to ``path`` as JSONL; return the bytes of text written."""
    from geomap.config import Settings
    from geomap.ingest import read_documents
    from geomap.text import sentences

    settings = Settings.load(None)
    docs = read_documents(sorted((ROOT / "seeds").glob("*.txt")), settings.ingest)
    pool = [s.text for d in docs for s in sentences(d.text) if len(s.text) > 30]
    rng = random.Random(seed)
    total = 0
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            parts: list[str] = []
            length = 0
            while length < size:
                sentence = rng.choice(pool)
                parts.append(sentence)
                length += len(sentence) + 1
                if rng.random() < 0.25:
                    parts.append("\n")
            text = " ".join(parts).replace(" \n ", "\n")
            day = date(2022, 1, 3) + timedelta(days=rng.randrange(6))
            record = {"id": i, "title": f"Synthetic {i}", "date": day.isoformat(), "source": "bench", "text": text}
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
            total += len(text.encode("utf-8"))
    return total


_PEAK = (
    "\nimport resource\n"
    "print('peak', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,"
    " resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
)


def _measure(code: str, *args: str) -> tuple[float, str, str]:
    """Run ``code`` in a fresh interpreter; return (seconds, peak RSS "main/worker" in MB, its stdout)."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code + _PEAK, *args], capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode:
        raise SystemExit(f"bench step failed:\n{done.stderr}")
    lines = done.stdout.strip().splitlines()
    _, main_kb, worker_kb = lines[-1].split()
    peak = f"{int(main_kb) // 1024}/{int(worker_kb) // 1024}"
    return seconds, peak, "\n".join(lines[:-1])


_TIMED = """
import json, sys, time
{setup}
texts = [json.loads(line)["text"] for line in open(sys.argv[1], encoding="utf-8")]
started = time.perf_counter()
{loop}
print(time.perf_counter() - started)
"""

SCAN = _TIMED.format(
    setup="from geomap.config import Settings\nfrom geomap.gazetteer import load_gazetteer\n"
    "from geomap.text import normalize\ng = load_gazetteer(Settings.load(None).gazetteer)",
    loop="for t in texts:\n    for _ in g.scan(normalize(t)): pass",
)
GEOTEXT = _TIMED.format(
    setup="from geotext import GeoText\nGeoText('warm up in Almaty')",
    loop="for t in texts:\n    GeoText(t)",
)


def _cli(command: str, corpus: Path, out: Path, jobs: int) -> str:
    return (
        "import sys\nfrom geomap.cli import app\n"
        f"app([{command!r}, {str(corpus)!r}, '--out', {str(out)!r}, '--quiet', '--no-cache', '--jobs', '{jobs}'],"
        " standalone_mode=False)"
    )


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--skip-run-above", type=int, default=100000, help="no full run above this size")
    a = ap.parse_args(argv)
    try:
        import geotext  # noqa: F401

        have_geotext = True
    except ImportError:
        have_geotext = False
    print(f"{'articles':>9} {'step':<10} {'seconds':>8} {'art/s':>9} {'MB/s':>7} {'peak MB main/worker':>20}")
    with tempfile.TemporaryDirectory(prefix="geomap-bench-") as tmp:
        for n in a.sizes:
            corpus = Path(tmp) / f"corpus-{n}.jsonl"
            nbytes = build_corpus(corpus, n)
            steps = [("scan", SCAN, True)]
            if have_geotext:
                steps.append(("geotext", GEOTEXT, True))
            steps.append(("extract", _cli("extract", corpus, Path(tmp) / f"x{n}", a.jobs), False))
            if n <= a.skip_run_above:
                steps.append(("run", _cli("run", corpus, Path(tmp) / f"r{n}", a.jobs), False))
            for name, code, inner in steps:
                seconds, peak, printed = _measure(code, str(corpus))
                if inner:  # the loop alone, without start-up and reading
                    seconds = float(printed.splitlines()[-1])
                rate = nbytes / 1e6 / seconds
                print(f"{n:>9} {name:<10} {seconds:>8.2f} {n / seconds:>9.0f} {rate:>7.1f} {peak:>20}")
            html = Path(tmp) / f"r{n}" / "map.html"
            if html.exists():
                print(f"{n:>9} map.html   {html.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
