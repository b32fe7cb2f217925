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

Each measurement runs in a fresh process. Peak memory is sampled every 0.1 s
as the sum of the proportional set size (PSS) of the process and all its
children: pages that forked workers share with their parent (the gazetteer)
count once, as they do in RAM. ``geotext`` and ``extract`` are timed as whole
processes, start-up included, side by side on the same corpus.

``--varied`` rewrites every recombined sentence with other Kazakh place names
and other numbers (drawn from the bundled gazetteer), so that sentences seldom
repeat: recombined seed sentences repeat often, which flatters geomap's
per-sentence memory; real corpora repeat less (but wire copy does repeat).

Figures are printed, never asserted: this is a benchmark, not a test.

    python bench/throughput.py --sizes 1000 10000 100000 [--varied]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def build_corpus(path: Path, n: int, *, seed: int = 20220105, size: int = 3000, varied: bool = False) -> int:
    """Write ``n`` synthetic articles to ``path`` as JSONL; return the bytes of text written."""
    from geomap.config import Settings
    from geomap.ingest import read_documents
    from geomap.text import sentences

    settings = Settings.load(None)
    docs = read_documents(sorted((ROOT / "seeds").glob("*.txt")), settings.ingest)
    pool = [s.text for d in docs for s in sentences(d.text) if len(s.text) > 30]
    rng = random.Random(seed)
    vary = _Variation(rng) if varied else None
    total = 0
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            parts: list[str] = []
            length = 0
            while length < size:
                sentence = rng.choice(pool)
                if vary is not None:
                    sentence = vary(sentence)
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


class _Variation:
    """Swap the Kazakh place names and the numbers of a sentence for others, at random."""

    def __init__(self, rng: random.Random) -> None:
        with (ROOT / "data" / "gazetteer" / "places.tsv").open(encoding="utf-8") as f:
            rows = [r for r in csv.DictReader(f, delimiter="\t") if r["country"] == "KZ"]
        by_kind: dict[str, list[str]] = {}
        for r in rows:
            if r["name"].isascii() and " " not in r["name"]:
                by_kind.setdefault(r["kind"], []).append(r["name"])
        self._rng = rng
        self._names = {name: by_kind[r["kind"]] for r in rows if (name := r["name"]) in by_kind.get(r["kind"], ())}
        longest_first = sorted(map(re.escape, self._names), key=len, reverse=True)
        self._word = re.compile(r"\b(?:" + "|".join(longest_first) + r")\b")

    def __call__(self, sentence: str) -> str:
        sentence = self._word.sub(lambda m: self._rng.choice(self._names[m.group()]), sentence)
        return re.sub(r"\b\d{2,}\b", lambda m: str(self._rng.randrange(10, 10_000)), sentence)


def _pss_mb(root: int) -> float:
    """The summed PSS of ``root`` and its descendants, in MB (Linux; 0 elsewhere).

    Descendants are found through each thread's ``children`` file, which costs
    far less than reading every process of the machine at each sample.
    """
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        try:
            for task in Path(f"/proc/{pid}/task").iterdir():
                todo.extend(int(c) for c in (task / "children").read_text().split())
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
                    break
        except (OSError, ValueError):
            continue
    return total / 1024


def _measure(code: str, *args: str) -> tuple[float, float, str]:
    """Run ``code`` in a fresh interpreter; return (seconds, peak summed PSS in MB, its stdout)."""
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out:
        proc = subprocess.Popen([sys.executable, "-c", code, *args], stdout=out, stderr=subprocess.PIPE, text=True)
        peak = 0.0
        while proc.poll() is None:
            peak = max(peak, _pss_mb(proc.pid))
            time.sleep(0.1)
        seconds = time.perf_counter() - started
        stderr = proc.stderr.read() if proc.stderr else ""
        out.seek(0)
        printed = out.read()
    if proc.returncode:
        raise SystemExit(f"bench step failed:\n{stderr}")
    return seconds, peak, printed.strip()


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
# geotext as a whole process, start-up and reading included: what `geomap extract` is set beside.
GEOTEXT_WHOLE = """
import json, sys
from geotext import GeoText
for line in open(sys.argv[1], encoding="utf-8"):
    GeoText(json.loads(line)["text"])
"""


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
    ap.add_argument("--varied", action="store_true", help="sentences with other places and numbers (few repeats)")
    ap.add_argument("--keep", type=Path, help="copy each run's map.html here (for bench/map_load.py)")
    a = ap.parse_args(argv)
    try:
        import geotext  # noqa: F401

        have_geotext = True
    except ImportError:
        have_geotext = False
    print(f"{'articles':>9} {'step':<13} {'seconds':>8} {'art/s':>9} {'MB/s':>7} {'peak MB (PSS)':>14}")
    with tempfile.TemporaryDirectory(prefix="geomap-bench-") as tmp:
        for n in a.sizes:
            corpus = Path(tmp) / f"corpus-{n}.jsonl"
            nbytes = build_corpus(corpus, n, varied=a.varied)
            steps = [("scan loop", SCAN, True)]
            if have_geotext:
                steps += [("geotext loop", GEOTEXT, True), ("geotext", GEOTEXT_WHOLE, False)]
            steps.append(("extract", _cli("extract", corpus, Path(tmp) / f"x{n}", a.jobs), False))
            if n <= a.skip_run_above:
                steps.append(("run", _cli("run", corpus, Path(tmp) / f"r{n}", a.jobs), False))
            for name, code, inner in steps:
                seconds, peak, printed = _measure(code, str(corpus))
                if inner:  # the loop alone, without start-up and reading
                    seconds = float(printed.splitlines()[-1])
                rate = nbytes / 1e6 / seconds
                print(f"{n:>9} {name:<13} {seconds:>8.2f} {n / seconds:>9.0f} {rate:>7.1f} {peak:>14.0f}", flush=True)
            html = Path(tmp) / f"r{n}" / "map.html"
            if html.exists():
                print(f"{n:>9} map.html      {html.stat().st_size / 1e6:.1f} MB", flush=True)
                if a.keep is not None:
                    a.keep.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(html, a.keep / f"map-{n}.html")


if __name__ == "__main__":
    main()
