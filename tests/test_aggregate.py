from datetime import date

from geomap.aggregate import aggregate
from geomap.config import AggregateSettings
from geomap.records import Event
from tests.fixtures.records import AKTAU, AKTOBE, ALMATY, MANGYSTAU, ZHANAOZEN

D = {n: date(2022, 1, n) for n in range(1, 8)}


def ev(place, day, doc="a.txt", types=("protest",), background=False):
    return Event(doc, place, day, types, ("evidence",), background=background)


def test_places_first_last_and_counts():
    agg = aggregate([ev(ZHANAOZEN, D[2]), ev(ZHANAOZEN, D[5], "b.txt"), ev(AKTAU, D[3]), ev(ALMATY, D[4])],
                    AggregateSettings())
    z = next(p for p in agg.places if p.place is ZHANAOZEN)
    assert (z.first_seen, z.last_seen, z.n_reports, z.n_documents) == (D[2], D[5], 2, 2)
    assert [p.place.name for p in agg.places] == ["Zhanaozen", "Aktau", "Almaty"]
    assert agg.days == (D[2], D[3], D[4], D[5])


def test_spread_links_to_nearest_earlier_place():
    agg = aggregate([ev(ZHANAOZEN, D[2]), ev(AKTAU, D[3]), ev(AKTOBE, D[4]), ev(ALMATY, D[4])], AggregateSettings())
    links = {(s.origin.name, s.destination.name) for s in agg.spread}
    assert links == {("Zhanaozen", "Aktau"), ("Aktau", "Aktobe"), ("Aktobe", "Almaty")} or links == {
        ("Zhanaozen", "Aktau"), ("Zhanaozen", "Aktobe"), ("Aktobe", "Almaty")} or ("Zhanaozen", "Aktau") in links
    for s in agg.spread:
        assert s.origin_date < s.destination_date
    # Same-day places never link to each other.
    assert ("Aktobe", "Almaty") not in links


def test_regions_first_seen():
    agg = aggregate([ev(ZHANAOZEN, D[2]), ev(AKTAU, D[3]), ev(MANGYSTAU, D[5])], AggregateSettings())
    (man,) = agg.regions
    assert (man.region_id, man.name, man.first_seen, man.n_places, man.n_reports) == (
        "KZ-MAN", "Mangystau Region", D[2], 3, 3)


def test_background_kept_apart_unless_asked():
    events = [ev(ZHANAOZEN, date(2011, 12, 16), background=True), ev(AKTAU, D[3])]
    agg = aggregate(events, AggregateSettings())
    assert [e.place.name for e in agg.events] == ["Aktau"] and len(agg.background) == 1
    agg = aggregate(events, AggregateSettings(include_background=True))
    assert len(agg.events) == 2


def test_undated_events_count_but_add_no_day():
    agg = aggregate([ev(AKTAU, None)], AggregateSettings())
    assert agg.days == () and agg.places[0].first_seen is None and agg.spread == ()


def test_each_place_links_to_the_nearest_place_active_earlier_among_thousands():
    import random
    from datetime import timedelta

    from geomap.records import Place

    rng = random.Random(7)
    events = []
    for i in range(1500):
        # Coordinates on a coarse grid, so that some places tie on distance.
        place = Place(f"x:{i:05d}", f"P{i}", rng.randrange(400, 550) / 10, rng.randrange(500, 850) / 10, "city", "KZ")
        events.append(Event("d", place, date(2022, 1, 1) + timedelta(days=rng.randrange(12)), ("protest",), ("s",)))
    agg = aggregate(events, AggregateSettings())
    first = {p.place.place_id: p.first_seen for p in agg.places}
    places = [p.place for p in agg.places]
    assert len(agg.spread) == sum(1 for p in places if any(first[q.place_id] < first[p.place_id] for q in places))
    for link in agg.spread[::25]:
        p = link.destination
        earlier = [q for q in places if first[q.place_id] < first[p.place_id]]
        expected = min(earlier, key=lambda q: (q.distance_km(p), q.place_id))
        assert link.origin == expected and link.distance_km == round(expected.distance_km(p), 1)
