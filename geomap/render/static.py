r"""Static images for print and reports: spread small multiples and a timeline (matplotlib, Agg).

Both figures are A4 wide (8.27 in) with a title, a legend and a source line.
Labels are placed greedily: each candidate tries a few offsets around its
point and is dropped when every offset would overlap a label already placed
or leave the panel.

Examples
--------
>>> from geomap.config import RenderSettings
>>> fig = timeline_figure(Aggregates((), (), ()), RenderSettings(), {"version": "0.1.0"})
>>> png = figure_bytes(fig, "png")
>>> png[:4]
b'\x89PNG'
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

import matplotlib
import numpy
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import PathPatch
from matplotlib.path import Path as MplPath
from matplotlib.transforms import Bbox as PixelBox

from geomap.config import RenderSettings
from geomap.records import Aggregates, PlaceSummary
from geomap.render._common import (
    BOUNDARY_CREDIT,
    GEONAMES_CREDIT,
    HIGHLIGHT,
    NATURAL_EARTH_CREDIT,
    UNDATED_COLOUR,
    colour_of,
    date_range_text,
    day_colours,
    provenance_line,
    timeline_days,
)
from geomap.render.boundaries import Basemap, basemap, data_bbox
from geomap.render.geojson import place_sort_key

__all__ = ["A4_WIDTH_IN", "figure_bytes", "spread_figure", "timeline_figure"]

A4_WIDTH_IN = 8.27
_MAX_PANELS = 12
_EARLIER = "#4a4a4a"
_WATER = "#cfe0ec"
_LAND = "#f3f0e8"
_ARROW = "#5b2333"
_OFFSETS = ((5, 4, "left", "bottom"), (5, -4, "left", "top"), (-5, 4, "right", "bottom"),
            (-5, -4, "right", "top"), (0, 7, "center", "bottom"), (0, -7, "center", "top"))  # fmt: skip


def _plain(text: str) -> str:
    # A "$" pair would switch matplotlib into mathtext; place names are text, never maths.
    return text.replace("$", r"\$")


def _short(name: str, limit: int = 30) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def _size(n_reports: int) -> float:
    return min(2.5 + 1.8 * math.sqrt(max(n_reports, 1)), 11.0) ** 2


def _new_figure(height_in: float, cfg: RenderSettings) -> Figure:
    fig = Figure(figsize=(A4_WIDTH_IN, height_in), dpi=cfg.dpi)
    FigureCanvasAgg(fig)
    return fig


def _header(fig: Figure, cfg: RenderSettings, subtitle: str, height_in: float) -> None:
    top = 1 - 0.18 / height_in
    fig.text(0.04, top, _plain(cfg.title), fontsize=13, fontweight="bold", va="top")
    # Past about 105 characters a 9-point line leaves an A4-wide figure: put the counts underneath.
    if len(subtitle) > 105 and " · " in subtitle:
        head, _, tail = subtitle.rpartition(" · ")
        subtitle = f"{head}\n{tail}"
    fig.text(0.04, top - 0.27 / height_in, _plain(subtitle), fontsize=9, color="#444444", va="top", linespacing=1.2)


def _footer(fig: Figure, provenance: Mapping[str, Any], boundary: str | None, height_in: float) -> None:
    credits = [GEONAMES_CREDIT, boundary] if boundary else [GEONAMES_CREDIT]
    text = f"Sources: {'. '.join(credits)}. {provenance_line(provenance)}"
    fig.text(0.04, 0.12 / height_in, _plain(text), fontsize=5.6, color="#555555", va="bottom", wrap=True)


def _periods(days: Sequence[date]) -> list[tuple[date, date]]:
    """One panel per day, or runs of days when there are more than twelve."""
    if len(days) <= _MAX_PANELS:
        return [(d, d) for d in days]
    first, last = days[0], days[-1]
    span = (last - first).days + 1
    width = math.ceil(span / _MAX_PANELS)
    periods = []
    start = first
    while start <= last:
        end = min(start + timedelta(days=width - 1), last)
        if any(start <= d <= end for d in days):
            periods.append((start, end))
        start = end + timedelta(days=1)
    return periods


def _extent(
    places: Sequence[PlaceSummary], aspect_limits: tuple[float, float] = (0.55, 1.1)
) -> tuple[float, float, float, float, float]:
    """``(min_lon, min_lat, max_lon, max_lat, height/width)`` around the places, padded."""
    box = data_bbox([(s.place.lat, s.place.lon) for s in places], pad_degrees=0.0)
    assert box is not None
    min_lon, min_lat, max_lon, max_lat = box
    mid = math.cos(math.radians((min_lat + max_lat) / 2))
    width = max((max_lon - min_lon) * mid, 2.0)
    height = max(max_lat - min_lat, 2.0)
    width, height = width * 1.25, height * 1.3
    ratio = min(max(height / width, aspect_limits[0]), aspect_limits[1])
    if height / width < ratio:
        height = width * ratio
    else:
        width = height / ratio
    cx, cy = (min_lon + max_lon) / 2, (min_lat + max_lat) / 2
    half_lon = width / mid / 2
    return (cx - half_lon, max(cy - height / 2, -85.0), cx + half_lon, min(cy + height / 2, 85.0), ratio)


def _path_of(geometries: Any) -> MplPath | None:
    """All polygons of ``geometries`` as one compound path (outer rings CCW, holes CW: nonzero fill)."""
    vertices, codes = [], []
    for part in shapely.get_parts(shapely.orient_polygons(numpy.asarray(geometries))):
        if part.geom_type != "Polygon":
            continue
        for ring in (part.exterior, *part.interiors):
            xy = numpy.asarray(ring.coords)
            if len(xy) < 4:
                continue
            vertices.append(xy)
            codes.append([MplPath.MOVETO] + [MplPath.LINETO] * (len(xy) - 2) + [MplPath.CLOSEPOLY])
    if not vertices:
        return None
    return MplPath(numpy.concatenate(vertices), numpy.concatenate(codes))


def _draw_base(ax: Any, layers: Basemap, extent: Sequence[float]) -> None:
    # Drawn as one patch per layer: far faster than plotting feature by feature.
    ax.set_facecolor(_WATER)
    for frame, style in (
        (layers.countries, {"facecolor": _LAND, "edgecolor": "#b1aa9e", "linewidth": 0.4, "zorder": 1}),
        (layers.lakes, {"facecolor": _WATER, "edgecolor": "#9cbfd6", "linewidth": 0.2, "zorder": 2}),
        (layers.admin1, {"fill": False, "edgecolor": "#9a9a9a", "linewidth": 0.3, "zorder": 3}),
    ):
        path = _path_of(frame.geometry.values) if not frame.empty else None
        if path is not None:
            ax.add_patch(PathPatch(path, **style))
    ax.set_xlim(extent[0], extent[2])
    ax.set_ylim(extent[1], extent[3])
    ax.set_aspect(1 / math.cos(math.radians((extent[1] + extent[3]) / 2)))
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_linewidth(0.5)
        spine.set_color("#777777")


_LABEL_TRIES = 4


def _place_labels(
    fig: Figure, ax: Any, candidates: Sequence[PlaceSummary], visible: Sequence[PlaceSummary], limit: int
) -> None:
    """Label the first ``limit`` candidates that fit without overlapping (greedy, in order).

    Only the first ``limit * _LABEL_TRIES`` candidates are tried: each try lays
    out a text, and on a crowded map with hundreds of places the ones far down
    the order seldom find room anyway.
    """
    renderer = fig.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    # Every drawn point is an obstacle too, so a label never covers another place.
    points: dict[str, PixelBox] = {}
    for s in visible:
        x, y = ax.transData.transform((s.place.lon, s.place.lat))
        r = math.sqrt(_size(s.n_reports)) * fig.dpi / 72 / 2
        points[s.place.place_id] = PixelBox([[x - r, y - r], [x + r, y + r]])
    labels: list[PixelBox] = []
    for s in candidates[: limit * _LABEL_TRIES]:
        if len(labels) >= limit:
            break
        obstacles = labels + [box for key, box in points.items() if key != s.place.place_id]
        for dx, dy, ha, va in _OFFSETS:
            label = ax.annotate(
                _plain(s.place.name),
                (s.place.lon, s.place.lat),
                xytext=(dx, dy),
                textcoords="offset points",
                ha=ha,
                va=va,
                fontsize=6.5,
                zorder=6,
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.75},
            )
            box = label.get_window_extent(renderer).expanded(1.05, 1.1)
            inside = frame.contains(box.x0, box.y0) and frame.contains(box.x1, box.y1)
            if inside and not any(box.overlaps(other) for other in obstacles):
                labels.append(box)
                break
            label.remove()


def spread_figure(agg: Aggregates, cfg: RenderSettings, provenance: Mapping[str, Any]) -> Figure:
    """Small multiples: one panel per day (new places highlighted), then all days coloured by first day."""
    days = timeline_days(agg)
    dated = [s for s in sorted(agg.places, key=place_sort_key) if s.first_seen is not None]
    if not agg.places:
        return _empty_figure(cfg, provenance)
    extent = _extent(agg.places)
    # A panel is ~500 px wide: detail finer than a pixel only slows drawing and bloats the SVG.
    tolerance = (extent[2] - extent[0]) / 800
    layers = basemap(cfg, (extent[0] - 1, extent[1] - 1, extent[2] + 1, extent[3] + 1), tolerance=tolerance)
    periods = _periods(days)
    n_panels = len(periods) + 1
    ncols = 2 if n_panels in (2, 4) else min(3, n_panels)
    nrows = math.ceil(n_panels / ncols)
    left, right, gap = 0.35, 0.35, 0.12
    panel_w = (A4_WIDTH_IN - left - right - gap * (ncols - 1)) / ncols
    panel_h = panel_w * extent[4]
    head, legend_h, title_h, foot = 0.62, 0.42, 0.2, 0.4
    height = head + legend_h + nrows * (panel_h + title_h) + (nrows - 1) * gap + foot
    fig = _new_figure(height, cfg)
    reports = sum(s.n_reports for s in agg.places)
    _header(
        fig,
        cfg,
        f"Spread of reported unrest, {date_range_text(days)} · {len(agg.places)} places · {reports} reports",
        height,
    )
    colours = day_colours(len(days))

    axes = []
    for i in range(n_panels):
        row, col = divmod(i, ncols)
        x0 = (left + col * (panel_w + gap)) / A4_WIDTH_IN
        y_top = height - head - legend_h - row * (panel_h + title_h + gap) - title_h
        ax = fig.add_axes((x0, (y_top - panel_h) / height, panel_w / A4_WIDTH_IN, panel_h / height))
        _draw_base(ax, layers, extent)
        axes.append(ax)

    for ax, (start, end) in zip(axes, periods, strict=False):
        earlier = [s for s in dated if s.first_seen < start]
        new = [s for s in dated if start <= s.first_seen <= end]
        if earlier:
            ax.scatter(
                [s.place.lon for s in earlier],
                [s.place.lat for s in earlier],
                s=[_size(s.n_reports) * 0.6 for s in earlier],
                c=_EARLIER,
                alpha=0.75,
                linewidths=0,
                zorder=4,
            )
        if new:
            ax.scatter(
                [s.place.lon for s in new],
                [s.place.lat for s in new],
                s=[_size(s.n_reports) for s in new],
                c=HIGHLIGHT,
                edgecolors="#222222",
                linewidths=0.5,
                zorder=5,
            )
        when = start.isoformat() if start == end else f"{start.isoformat()} – {end.isoformat()}"
        ax.set_title(
            f"{when} · {len(new)} new, {len(earlier) + len(new)} so far", fontsize=7.5, loc="left", pad=3
        )
        _place_labels(
            fig, ax, sorted(new, key=lambda s: (-s.n_reports, s.place.name)), earlier + new, limit=6
        )

    ax = axes[len(periods)]
    ordered = sorted(agg.places, key=place_sort_key)
    for link in sorted(agg.spread, key=lambda s: (s.destination_date, s.destination.name, s.origin.name)):
        ax.annotate(
            "",
            xy=(link.destination.lon, link.destination.lat),
            xytext=(link.origin.lon, link.origin.lat),
            arrowprops={
                "arrowstyle": "-|>",
                "color": _ARROW,
                "lw": 0.7,
                "alpha": 0.7,
                "shrinkA": 3,
                "shrinkB": 4,
                "mutation_scale": 6,
            },
            zorder=4,
        )
    ax.scatter(
        [s.place.lon for s in ordered],
        [s.place.lat for s in ordered],
        s=[_size(s.n_reports) for s in ordered],
        c=[colour_of(s.first_seen, days, colours) for s in ordered],
        edgecolors="white",
        linewidths=0.4,
        zorder=5,
    )
    ax.set_title("All days · colour = first reported", fontsize=7.5, loc="left", pad=3)
    _place_labels(
        fig, ax, sorted(ordered, key=lambda s: (-s.n_reports, place_sort_key(s))), ordered, limit=10
    )
    for extra in axes[n_panels:]:
        extra.remove()

    _legend(
        fig,
        days,
        colours,
        any(s.first_seen is None for s in agg.places),
        bool(agg.spread),
        (height - head - legend_h / 2) / height,
    )
    _footer(fig, provenance, BOUNDARY_CREDIT if layers.uses_admin1 else NATURAL_EARTH_CREDIT, height)
    return fig


def _legend(
    fig: Figure, days: Sequence[date], colours: Sequence[str], undated: bool, spread: bool, y: float
) -> None:
    handles = [
        Line2D(
            [], [], marker="o", ls="", mfc=HIGHLIGHT, mec="#222222", mew=0.5, ms=6, label="new in the panel"
        ),
        Line2D([], [], marker="o", ls="", mfc=_EARLIER, mec="none", ms=5, alpha=0.75, label="active earlier"),
    ]
    if len(days) <= 6:
        handles += [
            Line2D([], [], marker="o", ls="", mfc=c, mec="white", ms=6, label=f"first {d.isoformat()}")
            for d, c in zip(days, colours, strict=True)
        ]
    else:
        handles += [
            Line2D(
                [],
                [],
                marker="o",
                ls="",
                mfc=colours[0],
                mec="white",
                ms=6,
                label=f"first {days[0].isoformat()}",
            ),
            Line2D(
                [],
                [],
                marker="o",
                ls="",
                mfc=colours[-1],
                mec="white",
                ms=6,
                label=f"… {days[-1].isoformat()}",
            ),
        ]
    if undated:
        handles.append(
            Line2D([], [], marker="o", ls="", mfc=UNDATED_COLOUR, mec="white", ms=6, label="date not known")
        )
    if spread:
        handles.append(Line2D([], [], color=_ARROW, lw=0.9, marker=">", ms=4, label="likely spread"))
    fig.legend(
        handles=handles,
        loc="center left",
        bbox_to_anchor=(0.035, y),
        ncol=min(len(handles), 5),
        fontsize=6.5,
        frameon=False,
        handletextpad=0.3,
        columnspacing=1.1,
    )


def _empty_figure(cfg: RenderSettings, provenance: Mapping[str, Any]) -> Figure:
    height = 2.0
    fig = _new_figure(height, cfg)
    _header(fig, cfg, "no events found", height)
    fig.text(0.5, 0.45, "no events found", ha="center", va="center", fontsize=14, color="#777777")
    _footer(fig, provenance, None, height)
    return fig


def timeline_figure(agg: Aggregates, cfg: RenderSettings, provenance: Mapping[str, Any]) -> Figure:
    """Places ordered by first day, a dot on each day they were reported active."""
    dated = [s for s in agg.places if s.first_seen is not None]
    if not dated:
        return _empty_figure(cfg, provenance)
    days = timeline_days(agg)
    colours = day_colours(len(days))
    shown = sorted(dated, key=lambda s: (-s.n_reports, place_sort_key(s)))[: cfg.timeline_places]
    shown.sort(key=place_sort_key)
    rows = len(shown)
    head, foot, row_h = 1.1, 0.75, 0.2
    height = head + foot + max(rows, 3) * row_h
    fig = _new_figure(height, cfg)
    note = (
        f"{len(dated)} dated places"
        if rows == len(dated)
        else f"the {rows} most reported of {len(dated)} places"
    )
    if len(agg.places) > len(dated):
        note += f" ({len(agg.places) - len(dated)} undated not shown)"
    _header(fig, cfg, f"When each place was reported active, {date_range_text(days)} · {note}", height)
    ax = fig.add_axes((0.24, foot / height, 0.72, (height - head - foot) / height))
    first_day, last_day = days[0], days[-1]
    for y, s in enumerate(shown):
        colour = colour_of(s.first_seen, days, colours)
        ordinals = [d.toordinal() for d in sorted(s.dates)] or [s.first_seen.toordinal()]
        ax.plot([ordinals[0], ordinals[-1]], [y, y], color="#bbbbbb", lw=1.0, zorder=1)
        ax.scatter(ordinals, [y] * len(ordinals), s=14, c=colour, zorder=2, linewidths=0)
        ax.scatter(
            [s.first_seen.toordinal()], [y], s=34, c=colour, edgecolors="#222222", linewidths=0.6, zorder=3
        )
    ax.set_yticks(range(rows), [_plain(_short(s.place.name)) for s in shown], fontsize=6.5)
    ax.set_ylim(rows - 0.5, -0.5)
    span = (last_day - first_day).days
    step = max(1, math.ceil((span + 1) / 12))
    ticks = [first_day + timedelta(days=k) for k in range(0, span + 1, step)]
    ax.set_xticks([d.toordinal() for d in ticks], [d.strftime("%d %b") for d in ticks], fontsize=6.5)
    ax.set_xlim(first_day.toordinal() - 0.6, last_day.toordinal() + 0.6)
    ax.grid(axis="x", color="#e3e3e3", lw=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.set_xlabel(f"day ({first_day.year})" if first_day.year == last_day.year else "day", fontsize=7)
    fig.legend(
        handles=[
            Line2D(
                [],
                [],
                marker="o",
                ls="",
                mfc="#777777",
                mec="#222222",
                mew=0.6,
                ms=6,
                label="first day reported",
            ),
            Line2D([], [], marker="o", ls="", mfc="#777777", mec="none", ms=4, label="reported active"),
        ],
        loc="center left",
        bbox_to_anchor=(0.035, 1 - 0.92 / height),
        ncol=2,
        fontsize=6.5,
        frameon=False,
    )
    _footer(fig, provenance, None, height)
    return fig


def figure_bytes(fig: Figure, fmt: str) -> bytes:
    """Encode the figure as PNG or SVG bytes with no timestamps or random ids, so reruns match."""
    buffer = io.BytesIO()
    metadata = {"Software": None} if fmt == "png" else {"Date": None, "Creator": None}
    with matplotlib.rc_context({"svg.hashsalt": "geomap", "svg.fonttype": "none"}):
        fig.savefig(buffer, format=fmt, metadata=metadata, facecolor="white")
    return buffer.getvalue()
