"""Scale and robustness: parallel, Dask and cached runs match the plain one; streaming; safe, atomic outputs."""

from __future__ import annotations

import errno
import json
import os
import re
import subprocess
import sys
from concurrent.futures import Future
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

import geomap.render.tables
from geomap import engine
from geomap.cli import app
from geomap.config import Settings
from geomap.errors import ConfigError, GeomapError, InputError, OutputError
from geomap.pipeline import run
from geomap.records import Document

ROOT = Path(__file__).resolve().parents[1]
MINI = ROOT / "tests" / "fixtures" / "gazetteer"
SEEDS = ROOT / "seeds"
FAST_RENDER = {"html": False, "png": False, "report": False, "gpkg": False}
DATA_FILES = ("events.geojson", "places.geojson", "spread.geojson", "regions.geojson", "events.csv")
TEMP_NAME = re.compile(r"\.tmp|~$")

# Short sentences written for these tests; every place is in the mini gazetteer.
PLACES = ("Almaty", "Aktau", "Zhanaozen", "Aktobe", "Atyrau", "Shymkent", "Taraz", "Kyzylorda", "Oral", "Semey")
ACTS = (
    "Protesters rallied in {place}",
    "Police dispersed a crowd in {place}",
    "Thousands marched through the streets of {place}",
    "Residents of {place} blocked a highway",
    "Oil workers went on strike in {place}",
)
WHEN = ("on January {day}", "yesterday", "overnight", "on Tuesday", "")
RUSSIAN = ("Митингующие собрались в Жанаозене {day} января.", "В Алматы прошли акции протеста.")


def _text(i: int, variant: str = "") -> str:
    def clause(k: int, place: str) -> str:
        when = WHEN[k % len(WHEN)].format(day=2 + k % 4)
        return f"{ACTS[k % len(ACTS)].format(place=place)} {when}".rstrip() + "."

    first = clause(i, PLACES[i % len(PLACES)])
    second = clause(i + 2, PLACES[(i * 7 + 3) % len(PLACES)])
    lines = [f"{first} {second}", "The situation in Kazakhstan remained tense."]
    if i % 9 == 0:
        lines.append(RUSSIAN[i % 2].format(day=3 + i % 3))
    if variant:
        lines.append(variant)
    return "\n".join(lines)


def _records(n: int, changed: dict[int, str] | None = None) -> list[dict[str, str]]:
    changed = changed or {}
    return [
        {
            "id": f"doc-{i:04d}",
            "title": f"Report {i}",
            "date": f"2022-01-{5 + i % 4:02d}",
            "source": "Test Wire",
            "text": _text(i, changed.get(i, "")),
        }
        for i in range(n)
    ]


def _write_jsonl(path: Path, records: list[dict[str, str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def _documents(n: int) -> list[Document]:
    return [Document(f"doc-{i:04d}", _text(i), published=date(2022, 1, 5 + i % 4)) for i in range(n)]


def _settings(out: Path, *, engine: dict | None = None, **sections) -> Settings:
    sections.setdefault("render", FAST_RENDER)
    return Settings.load(
        None,
        out=out,
        gazetteer={"path": MINI, "world": False},
        engine={"jobs": 1, "cache": False, **(engine or {})},
        **sections,
    )


def _tree(folder: Path) -> dict[str, int]:
    """Every file under ``folder``: relative path -> mtime in ns."""
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


def _same_bytes(a: Path, b: Path, names=DATA_FILES) -> None:
    for name in names:
        left, right = (a / name).read_bytes(), (b / name).read_bytes()
        if name.endswith(".geojson"):
            # Compare the data first, so a failure says whether data or the provenance block differs.
            lj, rj = json.loads(left), json.loads(right)
            assert lj["features"] == rj["features"], name
            assert lj.get("geomap") == rj.get("geomap"), f"{name}: provenance differs"
        assert left == right, name


@pytest.fixture(autouse=True)
def _no_user_settings(monkeypatch):
    # A developer's GEOMAP_* variables must not change what these tests see.
    for key in list(os.environ):
        if key.startswith("GEOMAP_"):
            monkeypatch.delenv(key)


@pytest.fixture
def counted(monkeypatch):
    """Count the documents the text stages really process (in this process)."""
    calls: list[str] = []
    real = engine.process_document

    def spy(doc, gazetteer, settings):
        calls.append(doc.name)
        return real(doc, gazetteer, settings)

    monkeypatch.setattr(engine, "process_document", spy)
    return calls


@pytest.fixture
def pool_spy(monkeypatch):
    """Record every process pool the engine starts and every batch it submits."""
    seen = {"pools": 0, "batches": 0}

    class SpyPool(engine._PoolRunner):
        def __init__(self, settings, jobs):
            seen["pools"] += 1
            super().__init__(settings, jobs)

        def submit(self, docs):
            seen["batches"] += 1
            return super().submit(docs)

    monkeypatch.setattr(engine, "_PoolRunner", SpyPool)
    return seen


# --------------------------------------------------------------------------- 1. --jobs N


def test_two_jobs_write_the_same_bytes_as_one(tmp_path, pool_spy):
    corpus = _write_jsonl(tmp_path / "in" / "corpus.jsonl", _records(200))
    one = run([corpus], _settings(tmp_path / "one", engine={"jobs": 1}))
    assert pool_spy == {"pools": 0, "batches": 0}
    two = run([corpus], _settings(tmp_path / "two", engine={"jobs": 2}))
    assert pool_spy["pools"] == 1 and pool_spy["batches"] == 4  # 200 documents in batches of 64
    assert one.documents == two.documents == 200 and not one.skipped
    assert len(one.aggregates.events) > 200
    _same_bytes(tmp_path / "one", tmp_path / "two", ("events.geojson", "events.csv"))


def test_pool_keeps_input_order_and_passes_errors_through(mini_gazetteer, pool_spy):
    items: list[Document | GeomapError] = list(_documents(150))
    for at in (0, 63, 64, 130):
        items.insert(at, InputError(f"bad-{at}.txt", "empty file"))
    settings = Settings.load(None, gazetteer={"path": MINI, "world": False}, engine={"jobs": 1, "cache": False})
    serial = list(engine.process_stream(items, settings, mini_gazetteer))
    pooled = list(
        engine.process_stream(items, settings.model_copy(update={"engine": settings.engine.model_copy(
            update={"jobs": 2})}), mini_gazetteer)
    )
    assert pool_spy["pools"] == 1
    assert [item for item, _ in pooled] == items
    assert [events for _, events in pooled] == [events for _, events in serial]
    assert all(events == [] for item, events in pooled if isinstance(item, GeomapError))


def test_one_batch_or_less_never_starts_a_pool(mini_gazetteer, pool_spy):
    settings = Settings.load(None, gazetteer={"path": MINI, "world": False}, engine={"jobs": 2, "cache": False})
    outcomes = list(engine.process_stream(_documents(64), settings, mini_gazetteer))
    assert len(outcomes) == 64 and pool_spy["pools"] == 0


@pytest.mark.parametrize("jobs", [1, 2])
def test_an_error_raised_in_a_worker_reaches_the_caller_as_itself(mini_gazetteer, jobs):
    # geoparse.on_unresolved = "raise" fails the run on a document naming no place;
    # from a worker process the error must arrive as that InputError, not as a broken pool.
    docs = _documents(150)
    docs[100] = Document("nowhere.txt", "Nothing was said about any town.", published=date(2022, 1, 5))
    settings = Settings.load(
        None,
        gazetteer={"path": MINI, "world": False},
        engine={"jobs": jobs, "cache": False},
        geoparse={"on_unresolved": "raise"},
    )
    with pytest.raises(InputError, match="nowhere.txt: no place name found"):
        list(engine.process_stream(docs, settings, mini_gazetteer))


# --------------------------------------------------------------------------- 2. --engine dask


@pytest.mark.slow
def test_dask_engine_on_a_local_cluster_matches_the_local_engine(tmp_path, monkeypatch):
    pytest.importorskip("dask.distributed")
    runners: list[engine._DaskRunner] = []

    class SpyDask(engine._DaskRunner):
        def __init__(self, settings, jobs):
            super().__init__(settings, jobs)
            runners.append(self)

    monkeypatch.setattr(engine, "_DaskRunner", SpyDask)
    corpus = _write_jsonl(tmp_path / "in" / "corpus.jsonl", _records(150))
    run([corpus], _settings(tmp_path / "local", engine={"jobs": 1}))
    result = run([corpus], _settings(tmp_path / "dask", engine={"kind": "dask", "jobs": 1}))
    assert result.documents == 150
    _same_bytes(tmp_path / "local", tmp_path / "dask", ("events.geojson", "events.csv"))
    (runner,) = runners
    assert runner._client.status == "closed"


class _FakeCluster:
    """Stands in for dask's LocalCluster: records how it was made and whether it was closed."""

    made: list[_FakeCluster] = []

    def __init__(self, **kwargs):
        self.kwargs = kwargs
        self.closed = False
        _FakeCluster.made.append(self)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.closed = True


class _FakeClient:
    """Stands in for dask's Client: runs each batch here, at once."""

    made: list[_FakeClient] = []
    fail_batch: int | None = None

    def __init__(self, address):
        self.address = address
        self.closed = False
        self.batches = 0
        _FakeClient.made.append(self)

    def submit(self, fn, *args, pure=True):
        future: Future = Future()
        self.batches += 1
        if self.batches == self.fail_batch:
            future.set_exception(OSError(errno.ECONNRESET, "worker lost"))
        else:
            future.set_result(fn(*args))
        return future

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.closed = True


@pytest.fixture
def fake_dask(monkeypatch):
    distributed = pytest.importorskip("dask.distributed")
    _FakeCluster.made, _FakeClient.made, _FakeClient.fail_batch = [], [], None
    monkeypatch.setattr(distributed, "LocalCluster", _FakeCluster)
    monkeypatch.setattr(distributed, "Client", _FakeClient)
    return Settings.load(
        None, gazetteer={"path": MINI, "world": False}, engine={"kind": "dask", "jobs": 2, "cache": False}
    )


def test_dask_runner_streams_in_order_and_closes_when_the_reader_stops(fake_dask, mini_gazetteer):
    docs = _documents(200)
    stream = engine.process_stream(iter(docs), fake_dask, mini_gazetteer)
    first = [next(stream) for _ in range(70)]
    assert [d for d, _ in first] == docs[:70]
    (cluster,), (client,) = _FakeCluster.made, _FakeClient.made
    assert cluster.kwargs["n_workers"] == 2 and client.address is cluster
    assert not client.closed
    stream.close()
    assert client.closed and cluster.closed


def test_dask_runner_closes_everything_when_a_batch_fails(fake_dask, mini_gazetteer):
    _FakeClient.fail_batch = 2
    with pytest.raises(OSError, match="worker lost"):
        list(engine.process_stream(_documents(200), fake_dask, mini_gazetteer))
    (cluster,), (client,) = _FakeCluster.made, _FakeClient.made
    assert client.closed and cluster.closed


def test_dask_cluster_is_closed_when_the_client_cannot_start(fake_dask, mini_gazetteer, monkeypatch):
    import dask.distributed

    def refuse(address):
        raise OSError(errno.ECONNREFUSED, "scheduler refused")

    monkeypatch.setattr(dask.distributed, "Client", refuse)
    with pytest.raises(OSError, match="scheduler refused"):
        list(engine.process_stream(_documents(3), fake_dask, mini_gazetteer))
    (cluster,) = _FakeCluster.made
    assert cluster.closed


def test_dask_scheduler_address_starts_no_local_cluster(fake_dask, mini_gazetteer):
    settings = fake_dask.model_copy(
        update={"engine": fake_dask.engine.model_copy(update={"scheduler": "tcp://10.0.0.1:8786"})}
    )
    outcomes = list(engine.process_stream(_documents(5), settings, mini_gazetteer))
    assert len(outcomes) == 5
    assert _FakeCluster.made == [] and _FakeClient.made[0].address == "tcp://10.0.0.1:8786"
    assert _FakeClient.made[0].closed


def test_dask_engine_without_dask_is_a_config_error(mini_gazetteer, monkeypatch):
    monkeypatch.setitem(sys.modules, "dask.distributed", None)  # import fails as if not installed
    settings = Settings.load(None, gazetteer={"path": MINI, "world": False}, engine={"kind": "dask", "cache": False})
    with pytest.raises(ConfigError, match=r"engine.kind: .*pip install geomap\[dask\]"):
        list(engine.process_stream(_documents(2), settings, mini_gazetteer))


# --------------------------------------------------------------------------- 3. the cache


def test_cache_skips_unchanged_documents_and_redoes_changed_ones(tmp_path, counted):
    corpus = _write_jsonl(tmp_path / "in" / "corpus.jsonl", _records(20))
    out = tmp_path / "out"
    cached = {"engine": {"cache": True}}
    cold = run([corpus], _settings(out, **cached))
    cold_outputs = {name: (out / name).read_bytes() for name in DATA_FILES}
    entries = _tree(out / ".cache")
    assert len(counted) == 20 and len(entries) == 20
    assert all(re.fullmatch(r"[0-9a-f]{2}/[0-9a-f]{64}\.pickle", name) for name in entries)

    counted.clear()
    warm = run([corpus], _settings(out, **cached))
    assert counted == [] and _tree(out / ".cache") == entries  # read, not rewritten
    assert warm.aggregates == cold.aggregates
    assert {name: (out / name).read_bytes() for name in DATA_FILES} == cold_outputs

    _write_jsonl(corpus, _records(20, changed={7: "Later a rally was held in Taraz."}))
    run([corpus], _settings(out, **cached))
    assert counted == ["corpus.jsonl#doc-0007"]
    assert len(_tree(out / ".cache")) == 21


def test_changing_a_shaping_setting_invalidates_the_cache(tmp_path, counted):
    corpus = _write_jsonl(tmp_path / "in" / "corpus.jsonl", _records(10))
    out = tmp_path / "out"
    run([corpus], _settings(out, engine={"cache": True}))
    counted.clear()
    run([corpus], _settings(out, engine={"cache": True}, temporal={"window_days": 10}))
    assert len(counted) == 10
    counted.clear()
    # Settings that do not shape events (render, output flags) keep the cache valid.
    run([corpus], _settings(out, engine={"cache": True}, render={**FAST_RENDER, "csv": False}))
    assert counted == []


def test_no_cache_never_writes_one(tmp_path, counted):
    corpus = _write_jsonl(tmp_path / "in" / "corpus.jsonl", _records(10))
    out = tmp_path / "out"
    for _ in range(2):
        run([corpus], _settings(out, engine={"cache": False}))
    assert len(counted) == 20
    assert not (out / ".cache").exists()
    assert not any(p.name.endswith(".pickle") for p in tmp_path.rglob("*"))


def test_cache_dir_setting_is_honoured(tmp_path, counted):
    corpus = _write_jsonl(tmp_path / "in" / "corpus.jsonl", _records(5))
    store = tmp_path / "elsewhere"
    run([corpus], _settings(tmp_path / "out", engine={"cache": True, "cache_dir": store}))
    assert len(_tree(store)) == 5 and not (tmp_path / "out" / ".cache").exists()


@pytest.mark.parametrize(
    "damage",
    [b"", b"\x80\x05garbage", b"not a pickle at all", None],
    ids=["empty", "truncated", "text", "wrong-type"],
)
def test_a_damaged_cache_entry_is_a_miss(tmp_path, counted, damage):
    import pickle

    corpus = _write_jsonl(tmp_path / "in" / "corpus.jsonl", _records(3))
    out = tmp_path / "out"
    first = run([corpus], _settings(out, engine={"cache": True}))
    entry = next((out / ".cache").rglob("*.pickle"))
    entry.write_bytes(pickle.dumps({"not": "events"}) if damage is None else damage)
    counted.clear()
    again = run([corpus], _settings(out, engine={"cache": True}))
    assert len(counted) == 1 and again.aggregates == first.aggregates


def test_warm_cache_submits_nothing_to_the_pool(tmp_path, pool_spy):
    corpus = _write_jsonl(tmp_path / "in" / "corpus.jsonl", _records(130))
    out = tmp_path / "out"
    cold = run([corpus], _settings(out, engine={"jobs": 2, "cache": True}))
    assert pool_spy["batches"] == 3
    entries = _tree(out / ".cache")
    assert len(entries) == 130
    warm = run([corpus], _settings(out, engine={"jobs": 2, "cache": True}))
    assert pool_spy["batches"] == 3 and _tree(out / ".cache") == entries
    assert warm.aggregates == cold.aggregates


# --------------------------------------------------------------------------- 4. determinism


def test_reruns_are_byte_identical_whatever_the_folder(tmp_path):
    corpus = _write_jsonl(tmp_path / "in" / "corpus.jsonl", _records(40))
    run([corpus], _settings(tmp_path / "first"))
    run([corpus], _settings(tmp_path / "second"))
    _same_bytes(tmp_path / "first", tmp_path / "second")


@pytest.mark.slow
def test_reruns_are_byte_identical_across_hash_seeds(tmp_path):
    # Set and dict order change with PYTHONHASHSEED; no output may depend on it.
    corpus = _write_jsonl(tmp_path / "in" / "corpus.jsonl", _records(40))
    env = {k: v for k, v in os.environ.items() if not k.startswith("GEOMAP_")}
    env.update(
        GEOMAP_GAZETTEER__PATH=str(MINI),
        GEOMAP_GAZETTEER__WORLD="false",
        **{f"GEOMAP_RENDER__{flag.upper()}": "false" for flag in FAST_RENDER},
    )
    for seed, out in (("1", "first"), ("2", "second")):
        done = subprocess.run(
            [sys.executable, "-m", "geomap", "run", str(corpus), "--out", str(tmp_path / out), "-q", "-j", "1"],
            env={**env, "PYTHONHASHSEED": seed},
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
    _same_bytes(tmp_path / "first", tmp_path / "second")


# --------------------------------------------------------------------------- 5. streaming


def _counting(docs: list[Document], pulled: list[int]):
    for doc in docs:
        pulled[0] += 1
        yield doc


@pytest.mark.parametrize("jobs, lookahead", [(1, 1), (2, 2 * 2 * engine._BATCH + engine._BATCH + 1)])
def test_process_stream_never_holds_the_corpus(mini_gazetteer, jobs, lookahead):
    docs = _documents(600)
    pulled = [0]
    settings = Settings.load(None, gazetteer={"path": MINI, "world": False}, engine={"jobs": jobs, "cache": False})
    ahead = []
    for done, (item, _) in enumerate(engine.process_stream(_counting(docs, pulled), settings, mini_gazetteer), 1):
        assert item is docs[done - 1]
        ahead.append(pulled[0] - done)
    assert done == 600
    assert ahead[0] < 600 - 1  # the first result came before the generator ran dry
    assert max(ahead) <= lookahead


# --------------------------------------------------------------------------- 6. output names


EVIL_IDS = ("../../evil.txt", "/tmp/geomap-evil.txt", "a/b/../../../../c.geojson", "..\\..\\win.txt", "events.csv", "")


def _written_names(out: Path) -> set[str]:
    return {name for name in _tree(out) if not name.startswith(".cache/")}


def test_output_names_never_come_from_input_names(tmp_path, monkeypatch):
    inputs = tmp_path / "in" / "..evil dir"
    records = [
        {**r, "id": evil, "title": f"../../{evil}", "source": "/etc/passwd"}
        for r, evil in zip(_records(len(EVIL_IDS)), EVIL_IDS, strict=True)
    ]
    corpus = _write_jsonl(inputs / "events.csv.jsonl", records)
    (inputs / "evil..%2f..%2f.txt").write_text("Published: 2022-01-05\n\nProtesters rallied in Aktobe.", "utf-8")
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    out = tmp_path / "deep" / "er" / "out"
    before = _tree(tmp_path)
    result = run([inputs], _settings(out, engine={"cache": True}))
    assert result.documents == len(EVIL_IDS) + 1
    new = {name for name in _tree(tmp_path) if name not in before}
    assert all(name.startswith("deep/er/out/") for name in new), sorted(new)
    assert all(not p.is_symlink() for p in out.rglob("*"))

    benign = tmp_path / "benign"
    _write_jsonl(benign / "corpus.jsonl", _records(3))
    run([benign], _settings(tmp_path / "benign_out"))
    assert _written_names(out) == _written_names(tmp_path / "benign_out")
    assert corpus.read_bytes().count(b"\n") == len(EVIL_IDS)  # the input is untouched


# --------------------------------------------------------------------------- 7. atomic outputs


def _fail_csv(*args, **kwargs):
    raise OutputError("events.csv", "disk full")


@pytest.fixture
def previous_run(tmp_path):
    """A folder holding a finished run, and an input that has changed since."""
    corpus = _write_jsonl(tmp_path / "in" / "corpus.jsonl", _records(12))
    out = tmp_path / "out"
    run([corpus], _settings(out))
    before = {name: (out / name).read_bytes() for name in _written_names(out)}
    _write_jsonl(corpus, _records(12, changed={3: "Later a rally was held in Taraz."}))
    return corpus, out, before


def test_a_file_that_fails_half_written_leaves_the_old_one(previous_run, monkeypatch):
    corpus, out, before = previous_run
    real_open = open

    class HalfWriter:
        def __init__(self, handle):
            self._handle = handle

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self._handle.close()

        def write(self, text):
            self._handle.write(text[: len(text) // 2])
            raise OSError(errno.ENOSPC, "No space left on device")

    def half_open(path, mode="r", *args, **kwargs):
        handle = real_open(path, mode, *args, **kwargs)
        return HalfWriter(handle) if "w" in mode and str(path).endswith(".csv") else handle

    # Files are written whole (_io) or streamed (the render package): both fail half-way.
    monkeypatch.setattr("geomap.render._io.open", half_open, raising=False)
    monkeypatch.setattr("geomap.render.open", half_open, raising=False)
    with pytest.raises(OutputError, match="events.csv"):
        run([corpus], _settings(out))
    assert (out / "events.csv").read_bytes() == before["events.csv"]
    assert not [p for p in out.iterdir() if TEMP_NAME.search(p.name)]


def test_a_failing_writer_leaves_no_temporary_files(previous_run, monkeypatch):
    corpus, out, before = previous_run
    monkeypatch.setattr(geomap.render.tables, "csv_rows", _fail_csv)
    with pytest.raises(OutputError, match="disk full"):
        run([corpus], _settings(out))
    assert not [p for p in out.rglob("*") if TEMP_NAME.search(p.name)]
    # Every file is whole: the old one, or the new one complete.
    assert (out / "events.csv").read_bytes() == before["events.csv"]
    for name in ("events.geojson", "places.geojson"):
        json.loads((out / name).read_text(encoding="utf-8"))


def test_a_failed_run_leaves_the_previous_outputs_as_they_were(previous_run, monkeypatch):
    corpus, out, before = previous_run
    monkeypatch.setattr(geomap.render.tables, "csv_rows", _fail_csv)
    with pytest.raises(OutputError):
        run([corpus], _settings(out))
    assert {name: (out / name).read_bytes() for name in _written_names(out)} == before


@pytest.mark.slow
@pytest.mark.parametrize(
    "module, writer, flag",
    [("geomap.render.html_map", "map_html", "html"), ("geomap.render.static", "figure_bytes", "png")],
)
def test_a_failing_map_or_image_writer_leaves_no_temporary_files(tmp_path, monkeypatch, module, writer, flag):
    corpus = _write_jsonl(tmp_path / "in" / "corpus.jsonl", _records(6))
    out = tmp_path / "out"
    render = {**FAST_RENDER, flag: True}
    run([corpus], _settings(out, render=render))
    before = {name: (out / name).read_bytes() for name in _written_names(out)}

    def fail(*args, **kwargs):
        raise OSError(errno.EIO, "I/O error")

    monkeypatch.setattr(f"{module}.{writer}", fail)
    with pytest.raises(OSError, match="I/O error"):
        run([corpus], _settings(out, render=render))
    assert not [p for p in out.rglob("*") if TEMP_NAME.search(p.name)]
    assert {name: (out / name).read_bytes() for name in _written_names(out)} == before


# --------------------------------------------------------------------------- 9. the summary line


@pytest.fixture
def cli_env(monkeypatch, tmp_path):
    monkeypatch.setenv("GEOMAP_GAZETTEER__PATH", str(MINI))
    monkeypatch.setenv("GEOMAP_GAZETTEER__WORLD", "false")
    for flag in FAST_RENDER:
        monkeypatch.setenv(f"GEOMAP_RENDER__{flag.upper()}", "false")
    monkeypatch.chdir(tmp_path)
    return tmp_path


SUMMARY = re.compile(
    r"geomap: (?P<read>\d+) documents read, (?P<skipped>\d+) skipped, (?P<events>\d+) events at "
    r"(?P<places>\d+) places over \d+ days(?:, \S+ to \S+)? in \d+\.\d s; wrote (?P<files>\d+) files to .+/"
)


def test_run_prints_a_one_line_summary(cli_env):
    inputs = cli_env / "in"
    _write_jsonl(inputs / "corpus.jsonl", _records(4))
    (inputs / "empty.txt").write_bytes(b"")
    result = CliRunner().invoke(app, ["run", str(inputs), "--out", "out", "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines[0].startswith("geomap: skipped ") and "empty.txt" in lines[0]
    found = SUMMARY.fullmatch(lines[-1])
    assert found, lines[-1]
    assert (found["read"], found["skipped"]) == ("4", "1")
    events = json.loads((cli_env / "out" / "events.geojson").read_text(encoding="utf-8"))["features"]
    assert int(found["events"]) == len(events) > 0
    assert int(found["places"]) == len({f["properties"]["place_id"] for f in events})
    assert int(found["files"]) == len(_written_names(cli_env / "out"))


def test_quiet_run_prints_nothing(cli_env):
    _write_jsonl(cli_env / "in" / "corpus.jsonl", _records(4))
    result = CliRunner().invoke(app, ["run", str(cli_env / "in"), "--out", "out", "--quiet", "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "" and result.stderr == ""
    assert (cli_env / "out" / "events.geojson").exists()


def test_seeds_summary_counts_both_articles(cli_env):
    result = CliRunner().invoke(app, ["run", str(SEEDS), "--out", "out", "--jobs", "1"])
    assert result.exit_code == 0, result.output
    found = SUMMARY.fullmatch(result.stderr.strip().splitlines()[-1])
    assert found and (found["read"], found["skipped"]) == ("2", "0")


# ------------------------------------------------------------- memory: the gazetteer loads where it is used


@pytest.mark.parametrize("world", [False, True])
def test_gazetteer_sha_is_the_loaders_without_loading(tmp_path, world):
    from geomap.config import GazetteerSettings
    from geomap.gazetteer import load_gazetteer

    user = tmp_path / "extra.csv"
    user.write_text("name,lat,lon,country\nOld Town Square,49.84,24.03,UA\n", encoding="utf-8")
    for user_file in (None, user):
        cfg = GazetteerSettings(
            path=MINI, source=MINI / "world", cache_dir=tmp_path / "cache", world=world, user_file=user_file
        )
        assert engine.gazetteer_sha(cfg) == load_gazetteer(cfg).sha


def test_gazetteer_sha_fails_early_on_a_missing_gazetteer(tmp_path):
    from geomap.config import GazetteerSettings
    from geomap.errors import GazetteerError

    with pytest.raises(GazetteerError, match="not found"):
        engine.gazetteer_sha(GazetteerSettings(path=tmp_path / "nowhere", world=False))


def test_forked_workers_share_the_one_gazetteer_loaded_here(tmp_path, monkeypatch, pool_spy):
    import os

    if "fork" not in engine.multiprocessing.get_all_start_methods():
        pytest.skip("this platform cannot fork")
    loads = tmp_path / "loads"
    loads.mkdir()
    real = engine.load_gazetteer

    def spy(cfg):
        # A file per process: a forked worker that loaded its own copy would leave one too.
        (loads / str(os.getpid())).touch()
        return real(cfg)

    monkeypatch.setattr(engine, "load_gazetteer", spy)
    corpus = _write_jsonl(tmp_path / "in" / "corpus.jsonl", _records(130))
    pooled = run([corpus], _settings(tmp_path / "two", engine={"jobs": 2}))
    assert pool_spy["pools"] == 1
    assert [p.name for p in loads.iterdir()] == [str(os.getpid())]  # loaded once, here; the workers inherit it
    assert not engine._inherited  # and let go of once the pool is done
    alone = run([corpus], _settings(tmp_path / "one", engine={"jobs": 1}))
    assert pooled.provenance == alone.provenance
    _same_bytes(tmp_path / "one", tmp_path / "two", ("events.geojson", "events.csv"))


def test_workers_that_cannot_fork_load_their_own_gazetteer(tmp_path, monkeypatch):
    monkeypatch.setattr(engine.multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    def settings(jobs):
        return Settings.load(None, gazetteer={"path": MINI, "world": False}, engine={"jobs": jobs, "cache": False})

    docs = _documents(engine._BATCH + 10)
    spawned = list(engine.process_stream(docs, settings(2)))
    assert spawned == list(engine.process_stream(docs, settings(1)))
    assert len(spawned) == len(docs)


def test_process_stream_without_a_gazetteer_gives_the_same_events(mini_gazetteer):
    settings = Settings.load(None, gazetteer={"path": MINI, "world": False}, engine={"jobs": 1, "cache": False})
    docs = _documents(5)
    assert list(engine.process_stream(docs, settings)) == list(engine.process_stream(docs, settings, mini_gazetteer))
