"""The bundled boundary layers: countries, lakes and first-level regions, read through pyogrio.

Coordinates stay ``[lon, lat]`` as stored in the files: nothing here turns a
record's ``(lat, lon)`` around.

Examples
--------
>>> from geomap.config import RenderSettings
>>> regions = admin1_regions(RenderSettings())
>>> len(regions), "KZ-MAN" in set(regions["region_id"])
(17, True)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import geopandas
import pyogrio
import shapely

from geomap.config import RenderSettings
from geomap.errors import ConfigError
from geomap.records import RegionSummary

__all__ = [
    "Basemap",
    "Bbox",
    "admin1_regions",
    "basemap",
    "country_names",
    "data_bbox",
    "region_shapes",
]

Bbox = tuple[float, float, float, float]
"""``(min_lon, min_lat, max_lon, max_lat)``."""

_COUNTRIES = "countries_50m.geojson"
_COUNTRIES_SMALL = "countries_110m.geojson"
_LAKES = "lakes_50m_central_asia.geojson"
_WORLD: Bbox = (-180.0, -85.0, 180.0, 85.0)


@dataclass(frozen=True, slots=True)
class Basemap:
    """Boundary layers cut to an extent, ready to draw."""

    countries: geopandas.GeoDataFrame
    lakes: geopandas.GeoDataFrame
    admin1: geopandas.GeoDataFrame

    @property
    def uses_admin1(self) -> bool:
        """Whether region outlines (and so their credit line) are part of the map."""
        return not self.admin1.empty


def _read(
    cfg: RenderSettings, name: str, columns: Sequence[str] | None = None, bbox: Bbox | None = None
) -> geopandas.GeoDataFrame:
    path = Path(cfg.boundaries) / name
    if not path.is_file():
        raise ConfigError(path, "boundary file missing; set render.boundaries to the bundled data/boundaries")
    try:
        frame = pyogrio.read_dataframe(path, columns=columns, bbox=bbox)
    except pyogrio.errors.DataSourceError as err:
        raise ConfigError(path, f"cannot read boundary file ({err})") from err
    return frame.set_crs("EPSG:4326", allow_override=True)


def admin1_regions(cfg: RenderSettings) -> geopandas.GeoDataFrame:
    """Read every region of ``cfg.admin1_layers``: ``region_id`` (ISO 3166-2), ``alt_id``, name, geometry."""
    frames = []
    for name in cfg.admin1_layers:
        frame = _read(cfg, name)
        if "iso_3166_2" not in frame.columns:
            raise ConfigError(Path(cfg.boundaries) / name, "region file has no iso_3166_2 field")
        alt = frame["geonames_admin1"] if "geonames_admin1" in frame.columns else None
        frames.append(
            geopandas.GeoDataFrame(
                {
                    "region_id": frame["iso_3166_2"].astype(str),
                    "alt_id": alt.astype(str) if alt is not None else "",
                    "name": frame["name"].astype(str) if "name" in frame.columns else frame["iso_3166_2"],
                },
                geometry=frame.geometry.values,
                crs="EPSG:4326",
            )
        )
    if not frames:
        return geopandas.GeoDataFrame(
            {"region_id": [], "alt_id": [], "name": []}, geometry=[], crs="EPSG:4326"
        )
    import pandas

    return geopandas.GeoDataFrame(pandas.concat(frames, ignore_index=True), crs="EPSG:4326")


def region_shapes(
    regions: Sequence[RegionSummary], cfg: RenderSettings
) -> list[tuple[RegionSummary, shapely.Geometry]]:
    """Each summary with its polygon, joined on ISO 3166-2 (or the GeoNames admin1 code).

    Summaries with no polygon in the bundled files (other countries) are left out.
    Polygons are oriented counter-clockwise outside, as RFC 7946 asks.
    """
    if not regions:
        return []
    table = admin1_regions(cfg)
    by_id: dict[str, shapely.Geometry] = {}
    for region_id, alt_id, geometry in zip(table["region_id"], table["alt_id"], table.geometry, strict=True):
        by_id.setdefault(region_id, geometry)
        if alt_id:
            by_id.setdefault(alt_id, geometry)
    joined = []
    for summary in regions:
        geometry = by_id.get(summary.region_id)
        if geometry is not None:
            joined.append((summary, shapely.orient_polygons(geometry, exterior_cw=False)))
    return joined


def country_names(cfg: RenderSettings) -> dict[str, str]:
    """ISO alpha-2 code → English country name (Natural Earth).

    Examples
    --------
    >>> from geomap.config import RenderSettings
    >>> country_names(RenderSettings())["KZ"]
    'Kazakhstan'
    """
    frame = _read(cfg, _COUNTRIES_SMALL, columns=["iso_a2", "name"])
    return {str(code): str(name) for code, name in zip(frame["iso_a2"], frame["name"], strict=True) if code}


def data_bbox(points: Sequence[tuple[float, float]], pad_degrees: float = 1.0) -> Bbox | None:
    """Return the ``(min_lon, min_lat, max_lon, max_lat)`` box around ``(lat, lon)`` points, padded.

    Examples
    --------
    >>> data_bbox([(43.25, 76.91), (43.34, 52.86)], pad_degrees=1.0)
    (51.86, 42.25, 77.91, 44.34)
    >>> data_bbox([]) is None
    True
    """
    if not points:
        return None
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    return (
        round(max(min(lons) - pad_degrees, -180.0), 6),
        round(max(min(lats) - pad_degrees, -85.0), 6),
        round(min(max(lons) + pad_degrees, 180.0), 6),
        round(min(max(lats) + pad_degrees, 85.0), 6),
    )


def _cut(frame: geopandas.GeoDataFrame, bbox: Bbox, tolerance: float) -> geopandas.GeoDataFrame:
    geometry = shapely.clip_by_rect(frame.geometry.values, *bbox)
    if tolerance > 0:
        geometry = shapely.simplify(geometry, tolerance, preserve_topology=True)
    frame = frame.set_geometry(geometry)
    return frame[~frame.geometry.is_empty].reset_index(drop=True)


def basemap(cfg: RenderSettings, bbox: Bbox | None, tolerance: float = 0.0) -> Basemap:
    """Countries, lakes and region outlines inside ``bbox`` (the world when ``None``), simplified.

    The whole world uses the 1:110m countries; a data extent uses 1:50m.
    """
    admin1 = admin1_regions(cfg)
    if bbox is None:
        countries = _read(cfg, _COUNTRIES_SMALL, columns=["name", "iso_a2"])
        bbox = _WORLD
        admin1 = admin1.iloc[:0]
    else:
        countries = _read(cfg, _COUNTRIES, columns=["name", "iso_a2"], bbox=bbox)
        admin1 = admin1[admin1.intersects(shapely.box(*bbox))]
    lakes = _read(cfg, _LAKES, columns=["name"], bbox=bbox)
    return Basemap(
        countries=_cut(countries, bbox, tolerance),
        lakes=_cut(lakes, bbox, tolerance),
        admin1=_cut(admin1, bbox, tolerance),
    )
