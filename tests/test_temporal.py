"""Dating place mentions: explicit, relative, carried and publication dates.

Every sentence here is written for the test. The publication date is
Wednesday 5 January 2022 unless a test says otherwise.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geomap.config import TemporalSettings
from geomap.records import DatedMention, Document, Mention, Place
from geomap.temporal import date_mentions

PUB = date(2022, 1, 5)  # a Wednesday
PLACE = Place("geonames:1", "X", 0.0, 0.0, "city", "KZ")


def _mentions(text: str, names: tuple[str, ...]) -> list[Mention]:
    found = []
    for name in names:
        for m in re.finditer(re.escape(name), text):
            found.append(Mention("t.txt", name, m.start(), m.end(), PLACE))
    found.sort(key=lambda m: m.start)
    return found


def run(text: str, *names: str, pub: date | None = PUB, **cfg) -> list[DatedMention]:
    doc = Document("t.txt", text, published=pub)
    return date_mentions(doc, _mentions(text, names), TemporalSettings(**cfg))


def days(text: str, name: str, pub: date | None = PUB, **cfg) -> list[str]:
    """The ISO dates given to the first mention of ``name``."""
    return [r.date.isoformat() for r in run(text, name, pub=pub, **cfg)[0].dates]


def one(text: str, name: str, pub: date | None = PUB, **cfg):
    (dm, *_) = run(text, name, pub=pub, **cfg)
    return dm


# --------------------------------------------------------------------------- explicit
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Protesters gathered in Oskemen on January 2.", "2022-01-02"),
        ("On 2 January 2022 a crowd formed in Oskemen.", "2022-01-02"),
        ("Police detained activists in Oskemen on Jan. 4.", "2022-01-04"),
        ("A crowd formed in Oskemen on January 3rd.", "2022-01-03"),
        ("A crowd formed in Oskemen on the 3rd of January.", "2022-01-03"),
        ("Протестующие собрались в Oskemen 3 января.", "2022-01-03"),
        ("Митинг в Oskemen прошёл 3-го января.", "2022-01-03"),
        ("Oskemen residents marched on 04.01.2022.", "2022-01-04"),
        ("Oskemen residents marched on 2022-01-04.", "2022-01-04"),
    ],
)
def test_explicit_dates(text: str, expected: str) -> None:
    dm = one(text, "Oskemen")
    assert [r.date.isoformat() for r in dm.dates] == [expected]
    assert dm.dates[0].basis == "explicit"
    assert dm.dates[0].precision == "day"


def test_explicit_date_keeps_its_text() -> None:
    assert one("Police dispersed a rally in Semey on January 3.", "Semey").dates[0].text == "January 3"


def test_day_of_month_alone_takes_the_month_in_force() -> None:
    assert days("A crowd blocked a road in Semey on the 4th.", "Semey") == ["2022-01-04"]
    # with no month in the text, the latest such day on or before publication
    assert days("A crowd blocked a road in Semey on the 28th.", "Semey") == ["2021-12-28"]


def test_day_of_month_follows_the_month_stated_before() -> None:
    text = "Strikes started on December 20 elsewhere.\nOn the 28th workers walked out in Semey."
    assert days(text, "Semey") == ["2021-12-28"]


def test_ordinal_that_is_not_a_date() -> None:
    assert days("On the 4th floor of a building in Semey, a fire is burning.", "Semey") == ["2022-01-05"]


def test_year_less_date_takes_the_year_before_publication() -> None:
    assert days("Riots broke out in Taraz on December 30.", "Taraz", pub=date(2022, 1, 3)) == ["2021-12-30"]
    assert days("Riots broke out in Taraz on January 2.", "Taraz", pub=date(2022, 1, 3)) == ["2022-01-02"]


def test_range_gives_start_and_end() -> None:
    (ref,) = one("A curfew was imposed in Atyrau from January 5 to 19.", "Atyrau").dates
    assert (ref.date, ref.end, ref.basis) == (date(2022, 1, 5), date(2022, 1, 19), "explicit")


@pytest.mark.parametrize(
    "text",
    [
        "Власти ввели режим ЧП в Атырау с 5 по 19 января.",
        "A curfew holds in Атырау from 5 to 19 January.",
        "A curfew holds in Атырау, January 5-19.",
        "A curfew holds in Атырау from January 5 to January 19.",
    ],
)
def test_range_forms(text: str) -> None:
    (ref,) = one(text, "Атырау").dates
    assert (ref.date, ref.end) == (date(2022, 1, 5), date(2022, 1, 19))


def test_range_across_the_new_year() -> None:
    (ref,) = one("Workers in Aksay struck from December 30 to January 2.", "Aksay").dates
    assert (ref.date, ref.end) == (date(2021, 12, 30), date(2022, 1, 2))


def test_between_is_a_range_and_and_is_two_days() -> None:
    (ref,) = one("Clashes in Aksay took place between January 3 and 4.", "Aksay").dates
    assert (ref.date, ref.end) == (date(2022, 1, 3), date(2022, 1, 4))
    assert days("Clashes in Aksay took place on January 3 and 4.", "Aksay") == ["2022-01-03", "2022-01-04"]


def test_and_followed_by_a_count_is_not_a_second_day() -> None:
    assert days("On January 3 and 40 people were held in Aksay.", "Aksay") == ["2022-01-03"]


@pytest.mark.parametrize(
    "text",
    ["Residents have protested in Uralsk since January 2.", "Жители Uralsk протестуют с 2 января."],
)
def test_since_runs_up_to_publication(text: str) -> None:
    (ref,) = one(text, "Uralsk").dates
    assert (ref.date, ref.end, ref.basis) == (date(2022, 1, 2), PUB, "explicit")


def test_until_alone_dates_nothing() -> None:
    assert days("The president declared an emergency in Atyrau until January 19.", "Atyrau") == []


def test_until_with_present_tense_is_now() -> None:
    assert days("An emergency is in force in Atyrau until January 19.", "Atyrau") == ["2022-01-05"]


def test_future_date_is_not_an_event_date() -> None:
    assert days("Activists plan a march in Taraz on January 20.", "Taraz") == []


def test_night_of_two_days_in_russian() -> None:
    assert days("Стрельба в Таразе шла в ночь с 4 на 5 января.", "Таразе") == ["2022-01-04", "2022-01-05"]
    assert days("Стрельба в Таразе шла в ночь на 5 января.", "Таразе") == ["2022-01-04", "2022-01-05"]


def test_weekday_next_to_a_date_is_the_same_day() -> None:
    dm = one("On Tuesday, January 4, crowds gathered in Kokshetau.", "Kokshetau")
    assert [(r.date.isoformat(), r.basis) for r in dm.dates] == [("2022-01-04", "explicit")]


# --------------------------------------------------------------------------- relative
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Protesters rallied in Turkistan on Wednesday.", ["2022-01-05"]),
        ("Protesters rallied in Turkistan on Monday.", ["2022-01-03"]),
        ("Protesters rallied in Turkistan on Tuesday night.", ["2022-01-04"]),
        ("Protesters rallied in Turkistan late on Sunday.", ["2022-01-02"]),
        ("Protesters rallied in Turkistan last Wednesday.", ["2021-12-29"]),
        ("Протестующие вышли на площадь в Turkistan в среду.", ["2022-01-05"]),
        ("Протестующие вышли на площадь в Turkistan во вторник вечером.", ["2022-01-04"]),
        ("В Turkistan стреляли в ночь на среду.", ["2022-01-04", "2022-01-05"]),
        ("Protesters rallied in Turkistan today.", ["2022-01-05"]),
        ("Protesters rallied in Turkistan this morning.", ["2022-01-05"]),
        ("Protesters rallied in Turkistan tonight.", ["2022-01-05"]),
        ("Protesters rallied in Turkistan yesterday.", ["2022-01-04"]),
        ("Protesters rallied in Turkistan yesterday evening.", ["2022-01-04"]),
        ("Protesters rallied in Turkistan the day before yesterday.", ["2022-01-03"]),
        ("Protesters rallied in Turkistan two days ago.", ["2022-01-03"]),
        ("Shots were heard in Turkistan overnight.", ["2022-01-04", "2022-01-05"]),
        ("Shots were heard in Turkistan last night.", ["2022-01-04", "2022-01-05"]),
        ("Shots rang out in Turkistan tonight and until morning.", ["2022-01-04", "2022-01-05"]),
        ("Вчера в Turkistan прошёл митинг.", ["2022-01-04"]),
        ("Сегодня в Turkistan прошёл митинг.", ["2022-01-05"]),
        ("Ночью в Turkistan слышали взрывы.", ["2022-01-04", "2022-01-05"]),
        ("Позавчера в Turkistan прошёл митинг.", ["2022-01-03"]),
        ("Накануне в Turkistan прошёл митинг.", ["2022-01-04"]),
        ("Police cleared a square in Turkistan the day before.", ["2022-01-04"]),
    ],
)
def test_relative_to_publication(text: str, expected: list[str]) -> None:
    dm = one(text, "Turkistan")
    assert [r.date.isoformat() for r in dm.dates] == expected
    assert {r.basis for r in dm.dates} == {"relative"}


def test_next_weekday_is_the_future() -> None:
    assert days("Unions will strike in Turkistan next Monday.", "Turkistan") == []


def test_weekend_is_a_week_precision_span() -> None:
    (ref,) = one("Crowds gathered in Zhezkazgan over the weekend.", "Zhezkazgan").dates
    assert (ref.date, ref.end, ref.precision) == (date(2022, 1, 1), date(2022, 1, 2), "week")


def test_earlier_this_week() -> None:
    (ref,) = one("Crowds gathered in Zhezkazgan earlier this week.", "Zhezkazgan").dates
    assert (ref.date, ref.end, ref.precision, ref.basis) == (date(2022, 1, 3), date(2022, 1, 4), "week", "relative")


def test_day_before_counts_from_the_date_just_stated() -> None:
    text = "On January 3 the governor spoke; a crowd had seized a square in Balkhash the day before."
    assert days(text, "Balkhash") == ["2022-01-02"]


def test_next_day_and_that_day_follow_the_last_date() -> None:
    text = "On January 3 the governor resigned.\nThe next day crowds marched in Balkhash."
    assert days(text, "Balkhash") == ["2022-01-04"]
    text = "On January 3 the governor resigned.\nLater that night police arrived in Balkhash."
    assert days(text, "Balkhash") == ["2022-01-03"]


def test_next_day_without_anchor_is_undated() -> None:
    assert days("The next day crowds marched in Balkhash.", "Balkhash") == []


def test_hours_earlier_is_the_day_stated_before() -> None:
    text = "On January 3 the governor spoke. A few hours earlier, police cleared a square in Taraz."
    assert days(text, "Taraz") == ["2022-01-03"]


def test_weekend_seen_from_a_saturday() -> None:
    (ref,) = one("Crowds gathered in Zhezkazgan over the weekend.", "Zhezkazgan", pub=date(2022, 1, 8)).dates
    assert (ref.date, ref.end) == (date(2022, 1, 8), None)


def test_kazakh_date() -> None:
    assert days("Жанаөзенде 2 қаңтарда наразылық басталды.", "Жанаөзен") == ["2022-01-02"]


def test_full_month_name_does_not_take_the_full_stop() -> None:
    assert one("Акция прошла в Таразе 3 января.", "Таразе").dates[0].text == "3 января"
    assert days("Crowds gathered in Taraz on 3 Jan. 2022 at noon.", "Taraz") == ["2022-01-03"]


def test_letters_that_lengthen_when_lower_cased_keep_offsets() -> None:
    text = "İİİ reported that on January 3 crowds gathered in Taraz."
    assert days(text, "Taraz") == ["2022-01-03"]


# --------------------------------------------------------------------------- carried
def test_date_carries_through_the_paragraph() -> None:
    text = "On January 3 protesters rallied in Kostanay. Police detained dozens in Petropavl."
    dm = one(text, "Petropavl")
    assert [(r.date.isoformat(), r.basis) for r in dm.dates] == [("2022-01-03", "carried")]


def test_carry_stops_at_a_new_paragraph() -> None:
    text = "On January 3 protesters rallied in Kostanay.\nPolice detained dozens in Petropavl."
    assert [(r.date.isoformat(), r.basis) for r in one(text, "Petropavl").dates] == [("2022-01-05", "publication")]


def test_carry_stops_at_another_date() -> None:
    text = "On January 2 workers struck in Kostanay. On Tuesday police came. Arrests followed in Petropavl."
    assert days(text, "Petropavl") == ["2022-01-04"]


def test_overnight_carries_both_days() -> None:
    text = "Explosions shook Kostanay overnight. Residents of Petropavl hid in basements."
    assert days(text, "Petropavl") == ["2022-01-04", "2022-01-05"]


def test_present_tense_after_a_date_is_publication() -> None:
    text = "On January 3 protesters rallied in Kostanay. Crowds remain in Petropavl."
    assert days(text, "Petropavl") == ["2022-01-05"]


# --------------------------------------------------------------------------- publication and background
def test_present_tense_without_date_is_publication() -> None:
    dm = one("Protesters are gathering in Kyzylorda.", "Kyzylorda")
    assert [(r.date, r.basis) for r in dm.dates] == [(PUB, "publication")]
    assert not dm.background


def test_plain_past_without_other_signal_is_publication() -> None:
    assert days("Police used water cannon in Kyzylorda.", "Kyzylorda") == ["2022-01-05"]


@pytest.mark.parametrize(
    "text",
    [
        "The unrest began at New Year in Kyzylorda.",
        "Protests erupted in Kyzylorda in the first days of the new year.",
        "Protests had spread to Kyzylorda.",
        "Earlier, crowds formed in Kyzylorda.",
        "Last month oil workers went on strike in Kyzylorda.",
        "In early January workers struck in Kyzylorda.",
        "Workers struck in Kyzylorda in January 2022.",
        "Митинги начались в Kyzylorda.",
        "Напомним, ранее в Kyzylorda прошли митинги.",
        "В начале января в Kyzylorda бастовали рабочие.",
    ],
)
def test_background_recap_without_day_is_undated(text: str) -> None:
    dm = one(text, "Kyzylorda")
    assert dm.dates == ()


def test_recap_carries_to_the_next_sentence() -> None:
    text = "The protests began in the first days of the new year. Workers marched in Aksay."
    assert days(text, "Aksay") == []


def test_present_tense_ends_a_recap() -> None:
    text = "The protests began in the first days of the new year. Workers are marching in Aksay."
    assert days(text, "Aksay") == ["2022-01-05"]


def test_present_perfect_after_earlier_is_publication() -> None:
    text = "Recall that earlier the cabinet resigned. An emergency has been declared in Aksay."
    assert days(text, "Aksay") == ["2022-01-05"]


def test_ongoing_clause_adds_publication_to_a_past_date() -> None:
    text = "In Aksay, where protests began on January 2, people continue to gather."
    assert days(text, "Aksay") == ["2022-01-02", "2022-01-05"]
    assert days("Protests in Aksay began on January 2.", "Aksay") == ["2022-01-02"]


@pytest.mark.parametrize(
    "text",
    [
        "In 2011 oil workers were shot in Zhanaozen.",
        "The former president stepped down in 2019 in Zhanaozen.",
        "Police fired on strikers in Zhanaozen on 16 December 2011.",
        "В 2011 году в Zhanaozen расстреляли нефтяников.",
        "Workers struck in Zhanaozen ten years ago.",
        "Workers struck in Zhanaozen last year.",
    ],
)
def test_history_is_background_and_undated(text: str) -> None:
    dm = one(text, "Zhanaozen")
    assert dm.background
    assert dm.dates == ()


def test_history_carries_in_its_paragraph() -> None:
    text = "In 2011 oil workers went on strike in Aktau. Police shot fourteen of them in Zhanaozen."
    dm = one(text, "Zhanaozen")
    assert dm.background and dm.dates == ()


def test_year_naming_a_thing_does_not_make_history() -> None:
    dm = one("Crowds in Zhanaozen demand a return to the 1993 constitution.", "Zhanaozen")
    assert not dm.background
    assert [r.date for r in dm.dates] == [PUB]


def test_history_in_another_clause_loses_to_a_present_date() -> None:
    text = "Zhanaozen, where police shot strikers in 2011, saw new protests on January 2."
    dm = one(text, "Zhanaozen")
    assert not dm.background
    assert [r.date for r in dm.dates] == [date(2022, 1, 2)]


def test_window_days_sets_what_counts_as_background() -> None:
    text = "Protesters rallied in Ekibastuz on Monday."
    assert days(text, "Ekibastuz", window_days=30) == ["2022-01-03"]
    dm = one(text, "Ekibastuz", window_days=1)
    assert dm.background and dm.dates == ()


def test_old_month_is_background() -> None:
    dm = one("Workers struck in Ekibastuz in March.", "Ekibastuz")
    assert dm.background and dm.dates == ()


def test_history_with_from_to_years() -> None:
    dm = one("The old leader ruled Zhanaozen from 1991 to 2019.", "Zhanaozen")
    assert dm.background and dm.dates == ()


# --------------------------------------------------------------------------- the future
def test_weekday_in_a_sentence_about_the_future_is_not_an_event() -> None:
    assert days("Unions in Semey will rally on Friday.", "Semey") == []
    assert days("Unions in Semey rallied on Friday.", "Semey") == ["2021-12-31"]


def test_planned_event_without_date_is_undated() -> None:
    assert days("Activists plan to march in Semey.", "Semey") == []


# --------------------------------------------------------------------------- several dates in a sentence
def test_each_mention_takes_the_date_of_its_clause() -> None:
    text = "On January 2 protests began in Aktau; on January 4 protesters stormed a building in Aktobe."
    got = {dm.mention.surface: [r.date.day for r in dm.dates] for dm in run(text, "Aktau", "Aktobe")}
    assert got == {"Aktau": [2], "Aktobe": [4]}


def test_each_mention_takes_the_date_of_its_conjunct() -> None:
    text = "Rallies took place in Aktau on January 2 and in Aktobe on January 4."
    got = {dm.mention.surface: [r.date.day for r in dm.dates] for dm in run(text, "Aktau", "Aktobe")}
    assert got == {"Aktau": [2], "Aktobe": [4]}


def test_a_date_before_a_list_dates_the_whole_list() -> None:
    text = "On January 2, protests began, and residents of Aktau and Zhanaozen took to the streets."
    assert all(dm.dates[0].date == date(2022, 1, 2) for dm in run(text, "Aktau", "Zhanaozen"))


def test_a_list_of_places_shares_the_date_after_it() -> None:
    text = "Unrest that began in Zhanaozen on January 2 reached Aktau and Almaty by January 4."
    got = {dm.mention.surface: [r.date.day for r in dm.dates] for dm in run(text, "Zhanaozen", "Aktau", "Almaty")}
    assert got == {"Zhanaozen": [2], "Aktau": [4], "Almaty": [4]}


# --------------------------------------------------------------------------- no publication date
def test_relative_words_need_a_publication_date() -> None:
    assert days("Protesters rallied in Taraz on Wednesday.", "Taraz", pub=None) == []
    assert days("Protesters rallied in Taraz yesterday.", "Taraz", pub=None) == []
    assert days("Protesters are rallying in Taraz.", "Taraz", pub=None) == []


def test_year_less_date_needs_a_year_from_the_text() -> None:
    assert days("Protesters rallied in Taraz on January 4.", "Taraz", pub=None) == []
    text = "Protesters rallied in Taraz on January 4.\nPosted January 5, 2022"
    dm = one(text, "Taraz", pub=None)
    assert [(r.date, r.basis) for r in dm.dates] == [(date(2022, 1, 4), "explicit")]


def test_full_date_needs_no_publication_date() -> None:
    assert days("Protesters rallied in Taraz on 4 January 2022.", "Taraz", pub=None) == ["2022-01-04"]
    (ref,) = one("Protesters have rallied in Taraz since 4 January 2022.", "Taraz", pub=None).dates
    assert (ref.date, ref.end) == (date(2022, 1, 4), None)


def test_day_before_needs_an_anchor_without_publication_date() -> None:
    assert days("A crowd gathered in Taraz the day before.", "Taraz", pub=None) == []
    text = "On 4 January 2022 the mayor spoke.\nHe said a crowd had gathered in Taraz the day before."
    assert days(text, "Taraz", pub=None) == []  # no anchor in its own paragraph
    text = "On 4 January 2022 the mayor said a crowd had gathered in Taraz the day before."
    assert days(text, "Taraz", pub=None) == ["2022-01-03"]


# --------------------------------------------------------------------------- policy and shape
def test_one_result_per_mention_in_order() -> None:
    text = "Crowds in Aktau and Aktobe. On January 2 Aktau was calm."
    mentions = _mentions(text, ("Aktau", "Aktobe"))
    out = date_mentions(Document("t.txt", text, published=PUB), mentions, TemporalSettings())
    assert [dm.mention for dm in out] == mentions


def test_no_mentions_gives_nothing() -> None:
    assert date_mentions(Document("t.txt", "On January 2.", published=PUB), [], TemporalSettings()) == []


def test_on_undated_drop_leaves_out_undated_but_keeps_history() -> None:
    text = "Earlier, crowds formed in Aksay.\nIn 2011 workers were shot in Zhanaozen.\nPolice came to Taraz."
    kept = run(text, "Aksay", "Zhanaozen", "Taraz", on_undated="null")
    assert [dm.mention.surface for dm in kept] == ["Aksay", "Zhanaozen", "Taraz"]
    dropped = run(text, "Aksay", "Zhanaozen", "Taraz", on_undated="drop")
    assert [dm.mention.surface for dm in dropped] == ["Zhanaozen", "Taraz"]


def test_mentions_outside_the_text_do_not_raise() -> None:
    doc = Document("t.txt", "Short text.", published=PUB)
    odd = [Mention("t.txt", "X", -5, -1, PLACE), Mention("t.txt", "X", 500, 900, PLACE)]
    assert len(date_mentions(doc, odd, TemporalSettings())) == 2


# --------------------------------------------------------------------------- properties
_PIECES = [
    "January 2", "2 January 2022", "Jan. 5", "on the 4th", "5 января", "from January 5 to 19", "since January 2",
    "until January 19", "on Wednesday", "on Tuesday night", "today", "yesterday", "last night", "overnight",
    "tonight and until morning", "this morning", "over the weekend", "earlier this week", "вчера", "сегодня",
    "ночью", "в среду", "накануне", "позавчера", "the day before", "the next day", "that day", "in 2011",
    "ten years ago", "two days ago", "December 30", "в ночь с 4 на 5 января", "31 February", "May 99",
    "last month", "began", "had been", "continue", "Aktau", ". ", ", ", "; ", "\n", " and ", "9999", "0000",
    "01.13.2022", "2022-02-30", "on the 31st", "New Year's Eve", "since the 1990s", "the 2011 strike",
]


@st.composite
def _documents(draw):
    pieces = draw(st.lists(st.one_of(st.sampled_from(_PIECES), st.text(max_size=12)), max_size=25))
    text = " ".join(pieces)
    pub = draw(st.one_of(st.none(), st.dates(), st.dates(min_value=date(2021, 11, 1), max_value=date(2022, 3, 1))))
    window = draw(st.one_of(st.integers(0, 60), st.integers(0, 10**7)))
    n = draw(st.integers(0, 6))
    offsets = draw(st.lists(st.integers(-3, len(text) + 3), min_size=n, max_size=n))
    mentions = [Mention("t.txt", "X", o, o + 3, PLACE) for o in sorted(offsets)]
    return Document("t.txt", text, published=pub), mentions, window


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_documents())
def test_every_date_lies_in_the_window_and_nothing_raises(case) -> None:
    doc, mentions, window = case
    out = date_mentions(doc, mentions, TemporalSettings(window_days=window))
    assert len(out) == len(mentions)
    if doc.published is None:
        return
    try:
        lower = doc.published - timedelta(days=window)
    except OverflowError:
        lower = date.min
    for dm in out:
        for ref in dm.dates:
            assert lower <= ref.date <= doc.published, (doc.text, ref)
        assert not (dm.background and dm.dates)


@settings(max_examples=200, deadline=None)
@given(st.text(), st.dates())
def test_random_unicode_never_raises(text: str, pub: date) -> None:
    mentions = [Mention("t.txt", "X", i, i + 1, PLACE) for i in range(0, len(text), 7)]
    out = date_mentions(Document("t.txt", text, published=pub), mentions, TemporalSettings(on_undated="drop"))
    assert len(out) <= len(mentions)


def test_a_sentence_met_again_is_dated_by_its_own_document() -> None:
    # Sentences are scanned once and remembered; what they resolve to still depends on
    # the document: its publication date and the dates carried through its paragraph.
    sentence = "On Monday a crowd formed in Oskemen."
    assert days(sentence, "Oskemen") == ["2022-01-03"]
    assert days(sentence, "Oskemen", pub=date(2022, 1, 12)) == ["2022-01-10"]
    (dm,) = run(f"Calm returned. {sentence}", "Oskemen")
    assert dm.mention.start == len("Calm returned. ") + sentence.index("Oskemen")
    assert [r.date.isoformat() for r in dm.dates] == ["2022-01-03"]
