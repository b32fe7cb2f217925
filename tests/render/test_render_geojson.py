import json
import math
from pathlib import Path

import pytest
import shapely
from conftest import ALMATY, PROVENANCE, D, build, sample
from shapely.geometry import shape

from geomap.config import RenderSettings
from geomap.records import Aggregates, Event
from geomap.render import write_outputs
from geomap.render.geojson import (
    EVENT_FIELDS,
    PLACE_FIELDS,
    REGION_FIELDS,
    SPREAD_FIELDS,
    event_features,
    to_feature,
)

GEOJSON_ONLY = RenderSettings(html=False, png=False, gpkg=False, csv=False, report=False)


def _written(tmp_path: Path, agg: Aggregates) -> dict[str, dict]:
    write_outputs(agg, GEOJSON_ONLY, tmp_path, PROVENANCE)
    return {
        name: json.loads((tmp_path / f"{name}.geojson").read_text(encoding="utf-8"))
        for name in ("events", "places", "spread", "regions")
    }


def test_to_feature_writes_lon_then_lat():
    point = to_feature([(43.24, 76.89)], {"place": "Almaty"})
    assert point["geometry"] == {"type": "Point", "coordinates": [76.89, 43.24]}
    line = to_feature([(43.24, 76.89), (43.34116, 52.86192)], {})
    assert line["geometry"]["coordinates"] == [[76.89, 43.24], [52.86192, 43.34116]]
    with pytest.raises(ValueError):
        to_feature([], {})


def test_collections_are_rfc7946_with_provenance(tmp_path: Path, agg):
    layers = _written(tmp_path, agg)
    for name, fc in layers.items():
        assert fc["type"] == "FeatureCollection", name
        assert "crs" not in fc
        assert fc["geomap"] == {
            "config_id": "ab12cd34",
            "gazetteer_sha": "0123456789abcdef",
            "version": "0.1.0",
        }
        assert "generated" not in json.dumps(fc)
        for feature in fc["features"]:
            assert feature["type"] == "Feature"
            assert shape(feature["geometry"]).is_valid


def test_event_points_are_lon_lat_and_match_properties(tmp_path: Path, agg):
    events = _written(tmp_path, agg)["events"]["features"]
    assert len(events) == len(agg.events)
    almaty = [f for f in events if f["properties"]["place"] == "Almaty"]
    assert almaty and all(f["geometry"]["coordinates"] == [76.9115, 43.25249] for f in almaty)
    for f in events:
        lon, lat = f["geometry"]["coordinates"]
        assert (lat, lon) == (f["properties"]["lat"], f["properties"]["lon"])
        assert set(f["properties"]) == set(EVENT_FIELDS)


def test_event_fields_follow_the_scorer_contract(tmp_path: Path, agg):
    # shared/eval/score.py reads doc, date ("YYYY-MM-DD" or null), kind and a Point per feature.
    for f in _written(tmp_path, agg)["events"]["features"]:
        p = f["properties"]
        assert f["geometry"]["type"] == "Point"
        assert isinstance(p["doc"], str) and p["doc"].endswith(".txt")
        assert p["kind"] in {"city", "town", "village", "region", "country", "landmark"}
        assert p["date"] is None or (len(p["date"]) == 10 and p["date"][4] == "-")
        assert p["start_date"] == p["date"]
        assert p["end_date"] == p["date"]
        assert p["date_precision"] in {"day", "week", "month", None}
        assert isinstance(p["event_types"], list) and isinstance(p["evidence_all"], list)


def test_events_sorted_by_doc_date_place(agg):
    keys = [(f["properties"]["doc"], f["properties"]["date"] or "9999", f["properties"]["place"])
            for f in event_features(agg)]  # fmt: skip
    assert keys == sorted(keys)
    assert keys[0] == ("a.txt", "2022-01-02", "Zhanaozen")
    assert keys[-1][0] == "c.txt" and keys[-1][1] == "9999"  # undated last within its document


def test_evidence_joined_and_end_date_from_event():
    e = Event("a.txt", ALMATY, D[4], ("Protests",), ("First.", "Second."), end_date=D[6])
    (f,) = event_features(build([e]))
    assert f["properties"]["evidence"] == "First. … Second."
    assert f["properties"]["evidence_all"] == ["First.", "Second."]
    assert (f["properties"]["start_date"], f["properties"]["end_date"]) == ("2022-01-04", "2022-01-06")


def test_places_layer(tmp_path: Path, agg):
    places = _written(tmp_path, agg)["places"]["features"]
    assert [f["properties"]["place"] for f in places] == [
        "Zhanaozen",
        "Aktau",
        "Aktobe",
        "Almaty",
        "Shymkent",
    ]
    z = places[0]["properties"]
    assert set(z) == set(PLACE_FIELDS)
    assert (z["first_seen"], z["last_seen"], z["start_date"], z["end_date"]) == (
        "2022-01-02", "2022-01-04", "2022-01-02", "2022-01-04")  # fmt: skip
    assert z["dates"] == ["2022-01-02", "2022-01-03", "2022-01-04"]
    assert (z["n_reports"], z["n_documents"]) == (3, 2)
    assert z["sources"] == ["Other Wire", "Test Wire"]
    assert places[0]["geometry"]["coordinates"] == [52.86192, 43.34116]
    assert places[-1]["properties"]["first_seen"] is None


def test_spread_layer_lines_run_origin_to_destination(tmp_path: Path, agg):
    spread = _written(tmp_path, agg)["spread"]["features"]
    assert len(spread) == 3
    first = spread[0]
    assert set(first["properties"]) == set(SPREAD_FIELDS)
    assert first["geometry"]["type"] == "LineString"
    assert (first["properties"]["origin"], first["properties"]["destination"]) == ("Zhanaozen", "Aktau")
    assert first["geometry"]["coordinates"] == [[52.86192, 43.34116], [51.17392, 43.66105]]
    assert (first["properties"]["start_date"], first["properties"]["end_date"]) == (
        "2022-01-02",
        "2022-01-03",
    )


def _ring_area(ring: list) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False)) / 2


def test_regions_join_boundaries_with_right_hand_rings(tmp_path: Path, agg):
    regions = _written(tmp_path, agg)["regions"]["features"]
    ids = [f["properties"]["region_id"] for f in regions]
    assert ids == ["KZ-MAN", "KZ-AKT", "KZ-ALA", "KZ-SHY"]  # XX-NONE has no polygon; undated last
    man = regions[0]
    assert set(man["properties"]) == set(REGION_FIELDS)
    assert man["properties"]["start_date"] == "2022-01-02" and man["properties"]["n_reports"] == 5
    geometry = shape(man["geometry"])
    assert geometry.contains(shapely.Point(52.86192, 43.34116))  # Zhanaozen, lon/lat
    for f in regions:
        polygons = f["geometry"]["coordinates"]
        polygons = [polygons] if f["geometry"]["type"] == "Polygon" else polygons
        for rings in polygons:
            assert _ring_area(rings[0]) > 0, "outer rings must be counter-clockwise"
            assert all(_ring_area(hole) < 0 for hole in rings[1:])


def test_coordinates_are_finite_and_in_range(tmp_path: Path, agg):
    for f in _written(tmp_path, agg)["events"]["features"]:
        lon, lat = f["geometry"]["coordinates"]
        assert math.isfinite(lon) and -180 <= lon <= 180 and -90 <= lat <= 90


def test_empty_aggregates_write_valid_empty_collections(tmp_path: Path):
    layers = _written(tmp_path, Aggregates((), (), ()))
    assert all(fc["features"] == [] and fc["type"] == "FeatureCollection" for fc in layers.values())


def test_reruns_are_byte_identical(tmp_path: Path):
    cfg = RenderSettings(html=False, png=False, gpkg=False, report=False)
    write_outputs(sample(), cfg, tmp_path / "a", PROVENANCE)
    write_outputs(sample(), cfg, tmp_path / "b", {**PROVENANCE, "generated": "2030-01-01T00:00:00"})
    for name in ("events.geojson", "places.geojson", "spread.geojson", "regions.geojson", "events.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
