"""Gazetteer: names to places, offline first.

``load_gazetteer(cfg)`` loads the bundled data explicitly (never at import);
:class:`Gazetteer` answers ``lookup``, ``candidates``, ``scan``,
``is_common_word``, ``fuzzy``, ``country``, ``region``, ``geocode`` and
``reverse``. Geocoding backends are picked by name from :data:`GEOCODERS`
(like geopy's ``SERVICE_TO_GEOCODER``): ``"local"`` is the offline gazetteer,
``"nominatim"`` the opt-in online fallback.

Examples
--------
>>> sorted(GEOCODERS)
['local', 'nominatim']
"""

from __future__ import annotations

from geomap.gazetteer.geocoder import GazetteerGeocoder
from geomap.gazetteer.local import Gazetteer, describe, gazetteer_sha, load_gazetteer, world_cache
from geomap.gazetteer.online import OnlineGazetteer

__all__ = [
    "GEOCODERS",
    "Gazetteer",
    "GazetteerGeocoder",
    "OnlineGazetteer",
    "describe",
    "gazetteer_sha",
    "get_geocoder",
    "load_gazetteer",
    "world_cache",
]

GEOCODERS: dict[str, type] = {
    "local": GazetteerGeocoder,
    "nominatim": OnlineGazetteer,
}


def get_geocoder(name: str) -> type:
    """Return the geocoder class registered as ``name``.

    Examples
    --------
    >>> get_geocoder("local").__name__
    'GazetteerGeocoder'
    """
    try:
        return GEOCODERS[name]
    except KeyError:
        raise ValueError(f"unknown geocoder '{name}'; choose one of {', '.join(sorted(GEOCODERS))}") from None
