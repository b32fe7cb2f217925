"""The whole pipeline on seeds/: the gold event places with their dates, no context places."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from geomap.config import Settings
from geomap.pipeline import run

ROOT = Path(__file__).resolve().parents[2]
GOLD = json.loads((ROOT / "tests" / "data" / "seeds_gold.json").read_text(encoding="utf-8"))
TOLERANCE_KM = {"country": 600.0, "region": 150.0}


def _km(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


def _near(gold, feature):
    lon, lat = feature["geometry"]["coordinates"]
    kinds = {gold["kind"], feature["properties"]["kind"]}
    tol = next((TOLERANCE_KM[k] for k in ("country", "region") if k in kinds), 30.0)
    return _km(gold["lat"], gold["lon"], lat, lon) <= tol


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    out = tmp_path_factory.mktemp("outputs")
    settings = Settings.load(None, out=out)
    result = run([ROOT / "seeds"], settings)
    return out, result


@pytest.fixture(scope="module")
def features(outputs):
    out, _ = outputs
    return json.loads((out / "events.geojson").read_text(encoding="utf-8"))["features"]


@pytest.mark.parametrize(
    "doc, gold", [(doc, g) for doc, entry in sorted(GOLD.items()) for g in entry["events"]],
    ids=lambda v: v if isinstance(v, str) else v["place"],
)
def test_gold_event_place_found_with_its_dates(features, doc, gold):
    mine = [f for f in features if f["properties"]["doc"] == doc and _near(gold, f)]
    assert mine, f"{gold['place']} not found as an event place in {doc}"
    dates = {f["properties"]["date"] for f in mine}
    assert set(gold["dates"]) <= dates, f"{gold['place']}: dates {sorted(d for d in dates if d)}"


@pytest.mark.parametrize("name", ["Russia", "Moscow", "Georgia", "Ukraine"])
def test_context_places_are_not_event_places(features, name):
    assert name not in {f["properties"]["place"] for f in features}


def test_every_output_written(outputs):
    out, result = outputs
    for name in ("events.geojson", "places.geojson", "map.html", "spread.png"):
        assert (out / name).stat().st_size > 0, name
    assert result.documents == 2 and not result.skipped


def test_events_geojson_contract(features):
    required = {"doc", "place", "place_id", "kind", "admin1", "country", "date", "date_precision",
                "event_types", "evidence", "source", "title"}
    assert features
    for f in features:
        assert f["type"] == "Feature" and f["geometry"]["type"] == "Point"
        assert required <= set(f["properties"])
        assert f["properties"]["kind"] in {"city", "town", "village", "region", "country", "landmark"}
        assert f["properties"]["place_id"].startswith("geonames:")
        assert len(f["properties"]["country"]) == 2
