"""geopy adapter: the offline gazetteer as a :class:`geopy.geocoders.base.Geocoder`.

Code written against geopy (``geocode`` / ``reverse`` returning
:class:`geopy.location.Location`) can use the bundled gazetteer unchanged;
``Location.raw`` holds the Place's fields, so :func:`to_place` gets the
Place back.

Examples
--------
>>> from geomap.config import GazetteerSettings
>>> from geomap.gazetteer import load_gazetteer
>>> gazetteer = load_gazetteer(GazetteerSettings(world=False))
>>> loc = GazetteerGeocoder(gazetteer).geocode("Shevchenko")
>>> loc.address, to_place(loc).admin1_id
('Aktau, Mangystau Region, KZ', 'KZ-MAN')
"""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from geopy.adapters import BaseSyncAdapter
from geopy.exc import GeocoderServiceError
from geopy.geocoders.base import Geocoder
from geopy.location import Location
from geopy.point import Point

from geomap.records import Place

if TYPE_CHECKING:
    from geomap.gazetteer.local import Gazetteer

__all__ = ["GazetteerGeocoder", "to_location", "to_place"]


class _OfflineAdapter(BaseSyncAdapter):
    """An HTTP adapter that refuses: the offline geocoder never goes on the network."""

    def get_json(self, url: str, *, timeout: float, headers: dict) -> Any:  # noqa: D102
        raise GeocoderServiceError("the offline gazetteer makes no HTTP requests")

    def get_text(self, url: str, *, timeout: float, headers: dict) -> str:  # noqa: D102
        raise GeocoderServiceError("the offline gazetteer makes no HTTP requests")


def to_location(place: Place) -> Location:
    """Return a geopy Location for ``place``: address "name, admin1, country", raw = its fields.

    Examples
    --------
    >>> to_location(Place("geonames:1526384", "Almaty", 43.25249, 76.9115, "city", "KZ")).point[:2]
    (43.25249, 76.9115)
    """
    address = ", ".join(part for part in (place.name, place.admin1, place.country) if part)
    if place.admin1 == place.name:
        address = f"{place.name}, {place.country}"
    return Location(address, Point(place.lat, place.lon), asdict(place))


def to_place(location: Location) -> Place:
    """Return the Place a :func:`to_location` Location came from.

    Examples
    --------
    >>> p = Place("geonames:1526384", "Almaty", 43.25249, 76.9115, "city", "KZ")
    >>> to_place(to_location(p)) == p
    True
    """
    return Place(**location.raw)


class GazetteerGeocoder(Geocoder):
    """geopy Geocoder over a loaded :class:`~geomap.gazetteer.local.Gazetteer`.

    Parameters
    ----------
    gazetteer
        The loaded gazetteer.
    country
        Default ISO alpha-2 filter for :meth:`geocode`.
    """

    def __init__(self, gazetteer: Gazetteer, *, country: str | None = None) -> None:
        super().__init__(adapter_factory=_OfflineAdapter, user_agent="geomap-offline")
        self.gazetteer = gazetteer
        self.country = country

    def geocode(  # type: ignore[override]
        self, query: str, exactly_one: bool = True, *, country: str | None = None, limit: int | None = None
    ) -> Location | list[Location] | None:
        """Places named ``query``, best first (the first only when ``exactly_one``)."""
        places = self.gazetteer.lookup(str(query), country=country or self.country)
        if not places:
            return None
        if exactly_one:
            return to_location(places[0])
        return [to_location(p) for p in places[:limit]]

    def reverse(  # type: ignore[override]
        self, query: Any, exactly_one: bool = True, *, limit: int = 5
    ) -> Location | list[Location] | None:
        """Return the settlement nearest to ``query`` ("lat, lon", a tuple or a geopy Point)."""
        point = Point(query)
        found = self.gazetteer.nearest(point.latitude, point.longitude, limit=1 if exactly_one else limit)
        if not found:
            return None
        if exactly_one:
            return to_location(found[0][0])
        return [to_location(p) for p, _ in found]
