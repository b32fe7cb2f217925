import io
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy
import pytest
from conftest import PROVENANCE
from PIL import Image

from geomap.config import RenderSettings
from geomap.records import Aggregates
from geomap.render import write_outputs
from geomap.render.static import A4_WIDTH_IN, figure_bytes, spread_figure, timeline_figure

PNG_ONLY = RenderSettings(html=False, gpkg=False, csv=False, report=False, dpi=120)


def _image(data: bytes) -> numpy.ndarray:
    return numpy.asarray(Image.open(io.BytesIO(data)).convert("L"), dtype=float)


@pytest.fixture(scope="module")
def images(tmp_path_factory) -> Path:
    from conftest import sample

    out = tmp_path_factory.mktemp("static")
    write_outputs(sample(), PNG_ONLY, out, PROVENANCE)
    return out


@pytest.mark.parametrize("name", ["spread.png", "timeline.png"])
def test_pngs_are_a4_wide_and_not_blank(images: Path, name: str):
    pixels = _image((images / name).read_bytes())
    height, width = pixels.shape
    assert width == round(A4_WIDTH_IN * 120)
    assert 200 < height < 3 * width
    assert pixels.std() > 10, "image looks blank"
    assert (pixels < 128).mean() > 0.002, "no dark ink (text, points)"


def test_spread_svg_is_valid_xml_with_text(images: Path):
    root = ET.fromstring((images / "spread.svg").read_bytes())
    assert root.tag.endswith("svg")
    text = (images / "spread.svg").read_text(encoding="utf-8")
    assert "Zhanaozen" in text and "GeoNames" in text and "2022-01-04" in text


def test_spread_panels_one_per_day_plus_cumulative(agg):
    fig = spread_figure(agg, PNG_ONLY, PROVENANCE)
    titles = [ax.get_title(loc="left") for ax in fig.axes]
    assert titles == [
        "2022-01-02 · 1 new, 1 so far",
        "2022-01-03 · 1 new, 2 so far",
        "2022-01-04 · 2 new, 4 so far",
        "2022-01-05 · 0 new, 4 so far",
        "All days · colour = first reported",
    ]
    texts = [t.get_text() for t in fig.texts]
    assert any("GeoNames" in t and "COD-AB" in t and "config ab12cd34" in t for t in texts)


def test_labels_do_not_overlap(agg):
    fig = spread_figure(agg, PNG_ONLY, PROVENANCE)
    renderer = fig.canvas.get_renderer()
    for ax in fig.axes:
        boxes = [t.get_window_extent(renderer) for t in ax.texts if t.get_text()]  # arrows have no text
        for i, a in enumerate(boxes):
            assert all(not a.overlaps(b) for b in boxes[i + 1 :]), ax.get_title(loc="left")
    cumulative = fig.axes[-1]
    assert {t.get_text() for t in cumulative.texts if t.get_text()} >= {"Zhanaozen", "Almaty"}


def test_many_days_are_grouped_into_at_most_twelve_panels():
    from datetime import date, timedelta

    from conftest import ALMATY, build

    from geomap.records import Event

    start = date(2022, 1, 1)
    events = [Event("a.txt", ALMATY, start + timedelta(days=k), ("Protests",), ("x",)) for k in range(40)]
    fig = spread_figure(build(events), PNG_ONLY, PROVENANCE)
    assert len(fig.axes) <= 13


def test_timeline_rows_follow_first_day(agg):
    fig = timeline_figure(agg, PNG_ONLY, PROVENANCE)
    (ax,) = fig.axes
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Zhanaozen", "Aktau", "Aktobe", "Almaty"]


def test_empty_aggregates_still_draw_readable_images():
    for figure in (spread_figure, timeline_figure):
        fig = figure(Aggregates((), (), ()), PNG_ONLY, PROVENANCE)
        assert any("no events found" in t.get_text() for t in fig.texts)
        assert _image(figure_bytes(fig, "png")).std() > 5


def test_images_are_reproducible(agg):
    first = figure_bytes(spread_figure(agg, PNG_ONLY, PROVENANCE), "svg")
    second = figure_bytes(spread_figure(agg, PNG_ONLY, PROVENANCE), "svg")
    assert first == second
