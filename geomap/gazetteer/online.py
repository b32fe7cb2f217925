"""Opt-in online fallback: geopy Nominatim, rate-limited, cached on disk.

Used only when ``GeocoderSettings.online`` is true. Every answer is kept in a
JSON file (``GeocoderSettings.cache_file``) so that a rerun asks nothing
twice, and the rate limiter keeps at least ``min_delay_seconds`` between
requests, as Nominatim's usage policy requires. geopy's errors become
:class:`~geomap.errors.GeocoderUnavailable`.

Examples
--------
>>> from geomap.config import GeocoderSettings
>>> OnlineGazetteer(GeocoderSettings())
Traceback (most recent call last):
...
geomap.errors.GeocoderUnavailable: online geocoding is off (set geocoder.online = true)
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from geopy.exc import GeopyError
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import Nominatim
from geopy.location import Location

from geomap.config import GeocoderSettings
from geomap.errors import GeocoderUnavailable
from geomap.records import Place

__all__ = ["OnlineGazetteer", "place_from_nominatim"]

# Nominatim's addresstype / type -> our kinds; anything else is a landmark.
_KINDS = {
    "city": "city",
    "town": "town",
    "village": "village",
    "hamlet": "village",
    "suburb": "landmark",
    "municipality": "town",
    "state": "region",
    "province": "region",
    "region": "region",
    "country": "country",
}


def place_from_nominatim(raw: dict[str, Any]) -> Place:
    """Return a Place from one Nominatim result (``addressdetails=1``).

    Examples
    --------
    >>> raw = {"osm_type": "relation", "osm_id": 1, "lat": "43.34", "lon": "52.86", "name": "Zhanaozen",
    ...        "addresstype": "town", "address": {"country_code": "kz", "state": "Mangystau Region"}}
    >>> place_from_nominatim(raw).place_id, place_from_nominatim(raw).admin1
    ('osm:relation:1', 'Mangystau Region')
    """
    address = raw.get("address") or {}
    name = raw.get("name") or str(raw.get("display_name", "")).split(",")[0]
    kind = _KINDS.get(str(raw.get("addresstype") or raw.get("type") or ""), "landmark")
    return Place(
        place_id=f"osm:{raw.get('osm_type', 'node')}:{raw.get('osm_id', raw.get('place_id', 0))}",
        name=name,
        lat=round(float(raw["lat"]), 5),
        lon=round(float(raw["lon"]), 5),
        kind=kind,  # type: ignore[arg-type]
        country=str(address.get("country_code", "")).upper(),
        admin1=address.get("state"),
    )


class OnlineGazetteer:
    """Nominatim lookups behind a rate limiter and a JSON cache file.

    Parameters
    ----------
    cfg
        The geocoder settings; ``cfg.online`` must be true.
    geocoder
        A geopy geocoder to use instead of Nominatim (tests pass a mock).
    """

    def __init__(self, cfg: GeocoderSettings, *, geocoder: Any = None) -> None:
        if not cfg.online:
            raise GeocoderUnavailable(None, "online geocoding is off (set geocoder.online = true)")
        self.cfg = cfg
        self._geocoder = geocoder or Nominatim(user_agent=cfg.user_agent, timeout=cfg.timeout)
        self._geocode = RateLimiter(
            self._geocoder.geocode,
            min_delay_seconds=cfg.min_delay_seconds,
            max_retries=0,  # a failure is reported, not retried after a 5 s wait
            swallow_exceptions=False,
        )
        self._cache_file = Path(cfg.cache_file) if cfg.cache_file is not None else None
        self._cache: dict[str, list[dict[str, Any]]] = self._read_cache()

    def _read_cache(self) -> dict[str, list[dict[str, Any]]]:
        if self._cache_file is None or not self._cache_file.exists():
            return {}
        try:
            data = json.loads(self._cache_file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError):
            return {}  # a damaged cache only costs new requests
        return data if isinstance(data, dict) else {}

    def _write_cache(self) -> None:
        if self._cache_file is None:
            return
        tmp = self._cache_file.with_name(f".{self._cache_file.name}.tmp")
        try:
            self._cache_file.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(json.dumps(self._cache, ensure_ascii=False, sort_keys=True), encoding="utf-8")
            os.replace(tmp, self._cache_file)
        except OSError as err:
            raise GeocoderUnavailable(self._cache_file, f"cannot write the geocoder cache ({err})") from err
        finally:
            tmp.unlink(missing_ok=True)

    def _raw(self, query: str, country: str | None) -> list[dict[str, Any]]:
        key = f"{country or '*'}|{query}"
        if key not in self._cache:
            try:
                found = self._geocode(
                    query,
                    exactly_one=False,
                    addressdetails=True,
                    limit=10,
                    country_codes=country.lower() if country else None,
                )
            except GeopyError as err:
                raise GeocoderUnavailable(None, f"online geocoder failed for '{query}': {err}") from err
            self._cache[key] = [loc.raw for loc in found or ()]
            self._write_cache()
        return self._cache[key]

    def lookup(self, name: str, *, country: str | None = None) -> list[Place]:
        """Places Nominatim finds for ``name`` (optionally within ``country``), its order."""
        return [place_from_nominatim(raw) for raw in self._raw(name, country)]

    def geocode(self, query: str, exactly_one: bool = True) -> Location | list[Location] | None:
        """geopy-style: Locations with Nominatim's raw answer."""
        raws = self._raw(query, None)
        locations = [Location(r.get("display_name", ""), (float(r["lat"]), float(r["lon"])), r) for r in raws]
        if not locations:
            return None
        return locations[0] if exactly_one else locations
