import json
from datetime import date
from pathlib import Path

import pytest

from geomap.config import Settings
from geomap.pipeline import extract, run

MINI = Path(__file__).parent / "fixtures" / "gazetteer"


def settings(out, **overrides):
    overrides.setdefault("render", {"html": False, "png": False, "gpkg": False, "report": False})
    return Settings.load(
        None, out=out, gazetteer={"path": MINI, "world": False}, engine={"jobs": 1, "cache": False}, **overrides
    )


def write(folder, name, text):
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")


def dates_by_place(out):
    features = json.loads((out / "events.geojson").read_text("utf-8"))["features"]
    return {(f["properties"]["doc"], f["properties"]["place"], f["properties"]["date"]) for f in features}


def test_undated_document_takes_the_corpus_median_date(tmp_path):
    corpus = tmp_path / "in"
    write(corpus, "a.txt", "Published: 2022-01-05\n\nProtesters rallied in Almaty on Tuesday.")
    write(corpus, "b.txt", "Title: Undated wire copy\n\nOn Wednesday protesters rallied in Aktobe.")
    run([corpus], settings(tmp_path / "out"))
    assert ("b.txt", "Aktobe", "2022-01-05") in dates_by_place(tmp_path / "out")
    assert ("a.txt", "Almaty", "2022-01-04") in dates_by_place(tmp_path / "out")
    run([corpus], settings(tmp_path / "off", ingest={"corpus_dates": False}))
    assert ("b.txt", "Aktobe", None) in dates_by_place(tmp_path / "off")


def test_run_result_summary_and_frames(tmp_path):
    corpus = tmp_path / "in"
    write(corpus, "a.txt", "Published: 2022-01-05\n\nProtesters rallied in Almaty and Aktau on Tuesday.")
    result = run([corpus], settings(tmp_path / "out"))
    assert result.documents == 1 and len(result.aggregates.places) == 2
    assert "1 documents read, 0 skipped, 2 events at 2 places over 1 days" in result.summary()
    frame = result.events
    almaty = frame[frame["place"] == "Almaty"].geometry.iloc[0]
    assert (round(almaty.x, 2), round(almaty.y, 2)) == (76.91, 43.25)  # longitude is x
    assert {"place", "date", "geometry"} <= set(frame.columns)
    assert frame.crs.to_epsg() == 4326
    assert set(result.places["place"]) == {"Almaty", "Aktau"}
    assert set(result.regions["name"]) >= {"Mangystau Region"}
    assert type(result.map).__name__ == "Map" and result.map._repr_html_()


def test_extract_writes_events_only(tmp_path):
    corpus = tmp_path / "in"
    write(corpus, "a.txt", "Published: 2022-01-05\n\nProtesters rallied in Almaty on Tuesday.")
    result = extract([corpus], settings(tmp_path / "out"))
    assert sorted(p.name for p in (tmp_path / "out").iterdir() if p.is_file()) == ["events.geojson", "events.jsonl"]
    lines = (tmp_path / "out" / "events.jsonl").read_text("utf-8").splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["properties"]["date"] == str(date(2022, 1, 4))
    assert [p.name for p in result.outputs] == ["events.geojson", "events.jsonl"]


def test_history_is_listed_as_background_not_mapped(tmp_path):
    corpus = tmp_path / "in"
    write(corpus, "a.txt", "Published: 2022-01-05\n\nIn 2011, police shot striking oil workers in Zhanaozen.\n"
                           "Protesters rallied in Aktau on Tuesday.")
    run([corpus], settings(tmp_path / "out", render={"html": False, "png": False, "gpkg": False, "report": True}))
    assert {p for _, p, _ in dates_by_place(tmp_path / "out")} == {"Aktau"}
    background = json.loads((tmp_path / "out" / "background.geojson").read_text("utf-8"))["features"]
    assert [f["properties"]["place"] for f in background] == ["Zhanaozen"]
    assert background[0]["properties"]["background"] is True
    report = (tmp_path / "out" / "report.html").read_text("utf-8")
    assert "<h2>Background</h2>" in report and "Zhanaozen" in report


def test_streamed_outputs_are_the_bytes_dumps_makes(tmp_path):
    from geomap.render._common import stamp
    from geomap.render.geojson import dumps, event_features, feature_collection, place_features

    corpus = tmp_path / "in"
    write(corpus, "a.txt", "Published: 2022-01-05\n\nProtesters rallied in Almaty and Aktau on Tuesday.")
    write(corpus, "b.txt", "Published: 2022-01-06\n\nOil workers went on strike in Zhanaozen on Wednesday.")
    ran = run([corpus], settings(tmp_path / "run"))
    block = stamp(ran.provenance)
    assert (tmp_path / "run" / "events.geojson").read_text("utf-8") == dumps(
        feature_collection(event_features(ran.aggregates), block)
    )
    assert (tmp_path / "run" / "places.geojson").read_text("utf-8") == dumps(
        feature_collection(place_features(ran.aggregates), block)
    )
    extract([corpus], settings(tmp_path / "x"))
    assert (tmp_path / "x" / "events.geojson").read_bytes() == (tmp_path / "run" / "events.geojson").read_bytes()


def test_empty_collections_are_written_whole(tmp_path):
    corpus = tmp_path / "in"
    write(corpus, "a.txt", "Published: 2022-01-05\n\nNothing happened anywhere worth a map.")
    run([corpus], settings(tmp_path / "out"))
    text = (tmp_path / "out" / "spread.geojson").read_text("utf-8")
    assert text.endswith('"features": []}\n') and json.loads(text)["features"] == []


def test_events_share_equal_values_and_stay_equal(tmp_path):
    corpus = tmp_path / "in"
    write(corpus, "a.txt", "Published: 2022-01-05\n\nProtesters rallied in Almaty on Tuesday.")
    write(corpus, "b.txt", "Published: 2022-01-05\n\nProtesters rallied in Almaty on Tuesday.")
    events = run([corpus], settings(tmp_path / "out")).aggregates.events
    assert len(events) == 2 and events[0].place is events[1].place
    assert events[0].evidence is events[1].evidence and events[0].date is events[1].date


def test_events_jsonl_lines_are_plain_features(tmp_path):
    corpus = tmp_path / "in"
    write(corpus, "a.txt", "Published: 2022-01-05\n\nProtesters rallied in Almaty and Aktau on Tuesday.")
    extract([corpus], settings(tmp_path / "out"))
    lines = (tmp_path / "out" / "events.jsonl").read_text("utf-8").splitlines()
    collection = json.loads((tmp_path / "out" / "events.geojson").read_text("utf-8"))
    assert [json.loads(line) for line in lines] == collection["features"]


def test_the_package_exports_the_public_api_without_importing_it_up_front():
    import subprocess
    import sys

    import geomap
    import geomap.pipeline

    assert geomap.run is geomap.pipeline.run and geomap.extract is geomap.pipeline.extract
    assert {"run", "find_mentions", "Event", "Settings"} <= set(dir(geomap))
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        geomap.nothing  # noqa: B018
    code = "import sys, geomap; print(any(m in sys.modules for m in ('geopandas', 'folium', 'geomap.pipeline')))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
