"""Building the gazetteer, the world cache and the opt-in online fallback (never on the network)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from geopy.exc import GeocoderServiceError
from geopy.location import Location

from geomap.config import GazetteerSettings, GeocoderSettings
from geomap.errors import GeocoderUnavailable
from geomap.gazetteer import OnlineGazetteer, load_gazetteer
from geomap.gazetteer.build import build
from geomap.text import normalize

FIXTURE = Path(__file__).parent / "fixtures" / "gazetteer"
WORLD_SOURCE = FIXTURE / "world"
CORE = Path(__file__).parent.parent / "data" / "gazetteer"


# ------------------------------------------------------------------ world cache


def test_world_cache_is_built_once_then_read(tmp_path: Path) -> None:
    cfg = GazetteerSettings(path=FIXTURE, source=WORLD_SOURCE, cache_dir=tmp_path, world=True)
    first = load_gazetteer(cfg)
    (cache,) = tmp_path.glob("world-*.pickle")
    assert first.sha in cache.name
    # the world adds its places (Kazan, Lviv...) but not Kazakh ones: those are the core's
    assert first.lookup("Kazan")[0].country == "RU" and first.lookup("Казани")[0].country == "RU"
    assert first.lookup("Lviv")[0].admin1_id.startswith("UA.")
    assert len(first.lookup("Almaty")) == 2
    assert [k for _, _, k in first.scan(normalize("From Lviv to Aktau"))] == ["lviv", "aktau"]
    stamp = cache.stat().st_mtime_ns
    second = load_gazetteer(cfg)
    assert cache.stat().st_mtime_ns == stamp and second.sha == first.sha
    assert second.lookup("Kazan") == first.lookup("Kazan")


def test_damaged_cache_is_rebuilt(tmp_path: Path) -> None:
    cfg = GazetteerSettings(path=FIXTURE, source=WORLD_SOURCE, cache_dir=tmp_path, world=True)
    sha = load_gazetteer(cfg).sha
    (cache,) = tmp_path.glob("world-*.pickle")
    cache.write_bytes(b"not a pickle")
    assert load_gazetteer(cfg).lookup("Batumi")[0].country == "GE"
    assert cache.read_bytes() != b"not a pickle" and sha in cache.name


def test_user_file_changes_the_world_cache(tmp_path: Path) -> None:
    user = tmp_path / "extra.csv"
    user.write_text("name,lat,lon,country\nOld Town Square,49.84,24.03,UA\n", encoding="utf-8")
    cfg = GazetteerSettings(path=FIXTURE, source=WORLD_SOURCE, cache_dir=tmp_path / "c", world=True)
    plain = load_gazetteer(cfg)
    with_user = load_gazetteer(cfg.model_copy(update={"user_file": user}))
    assert with_user.sha != plain.sha
    assert with_user.lookup("Old Town Square")[0].country == "UA" and plain.lookup("Old Town Square") == []
    assert len(list((tmp_path / "c").glob("world-*.pickle"))) == 1  # stale caches are removed


# ------------------------------------------------------------------ committed core


def test_committed_core_is_complete() -> None:
    manifest = json.loads((CORE / "MANIFEST.json").read_text(encoding="utf-8"))
    assert manifest["counts"]["places"] > 600
    core = load_gazetteer(GazetteerSettings(path=CORE, world=False))
    units = [core.region(f"KZ-{c}") for c in
             "AKM AKT ALM ATY ZAP ZHA KAR KUS KZY MAN PAV SEV YUZ VOS AST ALA SHY".split()]
    assert all(units) and sum(u.kind == "region" for u in units) == 14
    assert core.lookup("Nur-Sultan")[0].name == "Nur-Sultan" and core.lookup("Astana")[0].name == "Nur-Sultan"
    assert core.country("GE").kind == "country" and core.country("US") is not None
    # every Kazakh place has its January-2022 region
    kazakh = [p for key in ("aktau", "zhanaozen", "shymkent", "turkistan") for p in core.candidates(key)]
    assert {p.admin1_id for p in kazakh} >= {"KZ-MAN", "KZ-SHY", "KZ-YUZ"}
    assert core.lookup("Shymkent")[0].admin1 == "Shymkent"  # split from South Kazakhstan in 2018
    attribution = (CORE / "ATTRIBUTION.md").read_text(encoding="utf-8")
    assert "GeoNames" in attribution and "CC BY 4.0" in attribution and "OpenStreetMap" in attribution


# ------------------------------------------------------------------ online fallback


def _nominatim_answer(*_: Any, **__: Any) -> list[Location]:
    raw = {
        "osm_type": "node", "osm_id": 42, "lat": "43.6500", "lon": "51.1600", "name": "Aktau Mall",
        "addresstype": "shop", "display_name": "Aktau Mall, Aktau, Kazakhstan",
        "address": {"country_code": "kz", "state": "Mangystau Region"},
    }
    return [Location(raw["display_name"], (43.65, 51.16), raw)]


def test_online_is_off_by_default() -> None:
    with pytest.raises(GeocoderUnavailable, match="off"):
        OnlineGazetteer(GeocoderSettings())


def test_online_lookup_is_cached_on_disk(tmp_path: Path) -> None:
    cache = tmp_path / "geocoder.json"
    cfg = GeocoderSettings(online=True, cache_file=cache)
    fake = mock.Mock()
    fake.geocode.side_effect = _nominatim_answer
    online = OnlineGazetteer(cfg, geocoder=fake)
    (place,) = online.lookup("Aktau Mall", country="KZ")
    assert (place.place_id, place.kind, place.country, place.admin1) == (
        "osm:node:42", "landmark", "KZ", "Mangystau Region")
    assert fake.geocode.call_args.kwargs["country_codes"] == "kz"
    assert online.lookup("Aktau Mall", country="KZ") == [place]
    assert fake.geocode.call_count == 1
    # a new process reads the cache file and asks nothing
    again = OnlineGazetteer(cfg, geocoder=fake)
    assert again.lookup("Aktau Mall", country="KZ") == [place] and fake.geocode.call_count == 1
    assert again.geocode("Aktau Mall") is not None and fake.geocode.call_count == 2


def test_online_errors_become_geocoder_unavailable(tmp_path: Path) -> None:
    fake = mock.Mock()
    fake.geocode.side_effect = GeocoderServiceError("HTTP 503")
    online = OnlineGazetteer(GeocoderSettings(online=True, cache_file=tmp_path / "c.json"), geocoder=fake)
    started = time.perf_counter()
    with pytest.raises(GeocoderUnavailable, match="HTTP 503"):
        online.lookup("Anywhere")
    assert time.perf_counter() - started < 1.0  # no retry sleeps
    assert not (tmp_path / "c.json").exists()


# ------------------------------------------------------------------ build (slow: reads 80 MB of GeoNames)


@pytest.mark.slow
def test_build_is_deterministic_and_matches_the_fixture(tmp_path: Path) -> None:
    select = (FIXTURE / "SELECT.txt").read_text(encoding="utf-8").split()
    started = time.perf_counter()
    first = build(tmp_path / "a", select=select)
    print(f"build (select) took {time.perf_counter() - started:.1f} s")
    second = build(tmp_path / "b", select=select)
    assert first == second
    for name in first.files:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
        assert (tmp_path / "a" / name).read_bytes() == (FIXTURE / name).read_bytes(), name
    assert (tmp_path / "a" / "MANIFEST.json").read_bytes() == (tmp_path / "b" / "MANIFEST.json").read_bytes()


@pytest.mark.slow
def test_full_build_matches_the_committed_core(tmp_path: Path) -> None:
    manifest = build(tmp_path)
    for name in manifest.files:
        assert (tmp_path / name).read_bytes() == (CORE / name).read_bytes(), name
    assert manifest.counts["world_places"] > 230_000


@pytest.mark.slow
def test_real_world_loads_fast_once_cached(tmp_path: Path) -> None:
    cfg = GazetteerSettings(path=CORE, world=True, cache_dir=tmp_path)
    load_gazetteer(cfg)
    started = time.perf_counter()
    world = load_gazetteer(cfg)
    elapsed = time.perf_counter() - started
    print(f"world load from cache: {elapsed:.2f} s, {len(world)} places, {world.n_keys} keys")
    assert elapsed < 5.0 and len(world) > 230_000
    assert world.lookup("Moscow")[0].country == "RU" and world.lookup("Tbilisi")[0].country == "GE"
    assert world.lookup("Kyiv")[0].country == "UA"
    georgia = world.lookup("Georgia")
    assert georgia[0].kind == "country" and georgia[0].country == "GE"
    assert world.lookup("Aktau")[0].admin1_id == "KZ-MAN"
    assert world.is_common_word("nice") and world.is_common_word("mobile") and world.is_common_word("police")
    assert not world.is_common_word("moscow")
    assert world.fuzzy("Zhanaozn", country="KZ")[0][0].name == "Zhanaozen"
    assert os.path.getsize(next(tmp_path.glob("world-*.pickle"))) < 400_000_000
