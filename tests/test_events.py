from datetime import date

import pytest

from geomap.config import EventsSettings
from geomap.events import acled_type, event_types_in, extract_events
from tests.fixtures.records import (
    AKTAU,
    AKTOBE,
    ALMATY,
    GEORGIA,
    KAZAKHSTAN,
    MANGYSTAU,
    MOSCOW,
    RUSSIA,
    UKRAINE,
    ZHANAOZEN,
    dated,
    document,
    mention,
)

CFG = EventsSettings()
D2, D5 = date(2022, 1, 2), date(2022, 1, 5)


def places(events):
    return sorted({e.place.name for e in events})


def run(text, *pairs):
    doc = document(text)
    ms = [dated(mention(doc, s, p), D5) for s, p in pairs]
    return extract_events(doc, ms, CFG)


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("Protesters rallied outside the akimat.", ("protest",)),
        ("Rioters looted shops and set fire to cars.", ("arson", "looting", "riot")),
        ("Police used water cannons and stun grenades.", ("security_response",)),
        ("A curfew was imposed.", ("curfew",)),
        ("Более 200 человек задержаны после митинга.", ("arrest", "protest")),
        ("Введено чрезвычайное положение и комендантский час.", ("curfew", "emergency")),
        ("Oil workers went on strike.", ("protest",)),
        ("The minister met the ambassador.", ()),
    ],
)
def test_event_types_in_english_and_russian(sentence, expected):
    assert event_types_in(sentence) == expected


def test_event_place_reported_in_sentence():
    assert places(run("Protesters rallied in Aktobe on Tuesday.", ("Aktobe", AKTOBE))) == ["Aktobe"]


def test_place_without_event_words_is_context():
    assert run("The minister flew to Aktobe for talks.", ("Aktobe", AKTOBE)) == []


def test_foreign_speaker_and_comparison_are_context():
    text = (
        "Protests spread in Almaty. Russia said the country can solve its own unrest. "
        "It accused the West of inciting revolutions in countries such as Georgia and Ukraine. "
        "Moscow is sensitive to the unrest in former Soviet republics."
    )
    got = run(text, ("Almaty", ALMATY), ("Russia", RUSSIA), ("Georgia", GEORGIA), ("Ukraine", UKRAINE),
              ("Moscow", MOSCOW))
    assert places(got) == ["Almaty"]


def test_region_that_only_locates_a_city_is_not_an_event():
    got = run("Protests began in Zhanaozen in the Mangystau region.", ("Zhanaozen", ZHANAOZEN),
              ("Mangystau", MANGYSTAU))
    assert places(got) == ["Zhanaozen"]


def test_region_is_an_event_when_the_measure_is_its_own():
    got = run("A state of emergency was declared in the Mangystau region.", ("Mangystau", MANGYSTAU))
    assert places(got) == ["Mangystau Region"]
    assert got[0].event_type == "Strategic developments"


def test_country_only_for_nationwide_measures():
    assert run("Protests in Kazakhstan began over fuel prices.", ("Kazakhstan", KAZAKHSTAN)) == []
    got = run("Authorities in Kazakhstan declared a nationwide state of emergency.", ("Kazakhstan", KAZAKHSTAN))
    assert places(got) == ["Kazakhstan"] and got[0].event_types == ("emergency",)


def test_country_measure_placed_in_a_city_belongs_to_the_city():
    got = run("Kazakhstan declared a state of emergency in Almaty.", ("Kazakhstan", KAZAKHSTAN), ("Almaty", ALMATY))
    assert places(got) == ["Almaty"]


def test_deictic_country_mention_with_internet_shutdown():
    doc = document("Monitors said the country is experiencing internet outages.")
    m = mention(doc, "the country", KAZAKHSTAN, method="deictic")
    got = extract_events(doc, [dated(m, D5)], CFG)
    assert places(got) == ["Kazakhstan"] and got[0].event_types == ("internet_shutdown",)


def test_one_event_per_place_and_date_with_evidence_and_source():
    doc = document("On January 2 protests began in Zhanaozen. Protesters still rally in Zhanaozen and Aktau.")
    ms = [
        dated(mention(doc, "Zhanaozen", ZHANAOZEN), D2),
        dated(mention(doc, "Zhanaozen", ZHANAOZEN, nth=1), D5, basis="publication"),
        dated(mention(doc, "Aktau", AKTAU), D5, basis="publication"),
    ]
    got = extract_events(doc, ms, CFG)
    assert [(e.place.name, e.date, e.date_basis) for e in got] == [
        ("Aktau", D5, "publication"), ("Zhanaozen", D2, "explicit"), ("Zhanaozen", D5, "publication"),
    ]
    assert got[1].evidence[0] == "On January 2 protests began in Zhanaozen."
    assert got[1].source == "Test Wire" and got[1].doc == "test.txt"


def test_undated_event_has_null_date():
    doc = document("Protests erupted in Aktau.")
    from geomap.records import DatedMention
    got = extract_events(doc, [DatedMention(mention(doc, "Aktau", AKTAU))], CFG)
    assert [(e.place.name, e.date) for e in got] == [("Aktau", None)]


@pytest.mark.parametrize(
    "types, expected",
    [
        (("protest",), ("Protests", "Peaceful protest")),
        (("protest", "security_response"), ("Protests", "Protest with intervention")),
        (("protest", "shooting"), ("Protests", "Excessive force against protesters")),
        (("riot", "arson"), ("Riots", "Violent demonstration")),
        (("arrest",), ("Strategic developments", "Arrests")),
        (("looting",), ("Strategic developments", "Looting/property destruction")),
        (("curfew", "internet_shutdown"), ("Strategic developments", "Other")),
    ],
)
def test_acled_taxonomy(types, expected):
    assert acled_type(types) == expected


def test_dateline_city_is_not_an_event_place_by_itself():
    doc = document("ALMATY (Wire) – Protesters clashed with police in Aktau on Tuesday.")
    got = extract_events(doc, [dated(mention(doc, "ALMATY", ALMATY), D5), dated(mention(doc, "Aktau", AKTAU), D5)], CFG)
    assert places(got) == ["Aktau"]


def test_fragment_sentence_takes_cues_from_its_neighbours():
    doc = document("The protests spread to other cities. Alma-Ata… Looting and attacks on shops began.")
    got = extract_events(doc, [dated(mention(doc, "Alma-Ata", ALMATY), D5)], CFG)
    assert places(got) == ["Almaty"] and "looting" in got[0].event_types


def _implicit(doc, sentence_text, place):
    from geomap.records import Mention
    start = doc.text.index(sentence_text)
    return Mention(doc.name, "", start, start, place, (place,), sentence_text, start, start + len(sentence_text),
                   0, method="implicit", score=0.6, focus="KZ")


def test_implicit_mention_adds_dates_to_an_event_place():
    doc = document("Protesters stormed the akimat in Almaty. Shots rang out overnight.")
    ms = [dated(mention(doc, "Almaty", ALMATY), D5), dated(_implicit(doc, "Shots rang out overnight.", ALMATY),
                                                              date(2022, 1, 4), D5, basis="relative")]
    got = extract_events(doc, ms, CFG)
    assert [(e.place.name, e.date) for e in got] == [("Almaty", date(2022, 1, 4)), ("Almaty", D5)]
    assert "shooting" in got[0].event_types


def test_implicit_mention_alone_makes_no_event_place():
    doc = document("The minister visited Aktau. Shots rang out overnight.")
    ms = [dated(mention(doc, "Aktau", AKTAU), D5), dated(_implicit(doc, "Shots rang out overnight.", AKTAU), D5)]
    assert extract_events(doc, ms, CFG) == []


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("Two police officers were killed and dozens injured.", ("clash",)),
        ("Протестующие перекрыли дороги, есть погибшие и раненые.", ("clash", "protest")),
        ("Drivers blocked the highway for hours.", ("protest",)),
        ("Soldiers and armoured vehicles patrolled the streets.", ("security_response",)),
    ],
)
def test_casualties_roadblocks_and_troops(sentence, expected):
    assert event_types_in(sentence) == expected


def test_foreign_troop_deployment_is_a_nationwide_measure():
    got = run("CSTO peacekeeping troops were deployed to Kazakhstan.", ("Kazakhstan", KAZAKHSTAN))
    assert places(got) == ["Kazakhstan"] and got[0].event_types == ("security_response",)
    assert run("Troops patrolled the streets of Kazakhstan's cities.", ("Kazakhstan", KAZAKHSTAN)) == []


def test_opened_fire_is_shooting_not_arson():
    assert event_types_in("Security forces opened fire on protesters.") == ("protest", "security_response", "shooting")


def test_foreign_place_in_a_diplomatic_clause_is_context():
    text = "Protesters rallied in Almaty. The ministry summoned the ambassador in Moscow over the unrest."
    assert places(run(text, ("Almaty", ALMATY), ("Moscow", MOSCOW))) == ["Almaty"]


def test_short_past_span_covers_each_day_long_or_future_span_its_start():
    from geomap.records import DatedMention, TimeRef

    doc = document(
        "Protesters rallied in Aktau on 3-4 January. A state of emergency runs in Almaty from January 5 to 19."
    )
    short = DatedMention(mention(doc, "Aktau", AKTAU), (TimeRef(date(2022, 1, 3), end=date(2022, 1, 4)),))
    long = DatedMention(mention(doc, "Almaty", ALMATY), (TimeRef(D5, end=date(2022, 1, 19)),))
    got = extract_events(doc, [short, long], CFG)
    assert [(e.place.name, e.date) for e in got] == [
        ("Aktau", date(2022, 1, 3)), ("Aktau", date(2022, 1, 4)), ("Almaty", D5)]
