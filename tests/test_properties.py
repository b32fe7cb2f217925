"""Property tests: any text, however hostile, goes through the text stages without breaking their contracts."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from geomap import engine
from geomap.config import GeoparseSettings, Settings
from geomap.geoparse import find_mentions
from geomap.records import Document
from geomap.text import normalize, sentences

MINI = Path(__file__).parent / "fixtures" / "gazetteer"

# Real names in several scripts and spellings, and the words that date or type events.
NAMES = (
    "Almaty", "Алматы", "Alma-Ata", "ALMATY", "Жаңаөзен", "Жанаозене", "Zhanaozen", "Zhanaozen's", "Aktau",
    "Aktobe", "Nur-Sultan", "Mangystau region", "Мангистауской области", "Kazakhstan", "Казахстан",
    "Moscow", "Police", "Nice", "Reading", "Kent", "Most", "Zanautzen", "Taldykorgan", "Шымкент",
)
WORDS = (
    "protesters", "rallied", "in", "on", "police", "clashes", "strike", "gathered", "the country", "nationwide",
    "January 4", "5 января", "yesterday", "overnight", "on Tuesday", "in 2011", "since January 2",
    "from January 5 to 19", "ten years ago", "will march", "Mr.", "Jan.", "President Tokayev", "said",
)
HOSTILE = (
    "<script>alert(1)</script>", "\x00", "\u200f", "\u202e", "\u200b", "\ufeff", "\u0301", "e\u0301",
    "\u0410\u0306", "İ", "ß", "ﬁ", "ǅ", "\r\n", "\n", "\n\n", "\r", "\u2028", "\t", "\x0b", "\x1b[31m",
    "...", "?!", "…", "«", "»", "—", "-", "'", "’", "“", '"', "(", ")", ".", ",", " ", "  ",
    "\ud800", "\U0001f525", "ا", "שלום", "ұ", "қ", "ө", "ң", "Ү",
)
SEPARATORS = (" ", " ", " ", ". ", ", ", "\n", "\n\n", " — ")
LONG_WORDS = st.sampled_from("aAЖ1.-").flatmap(lambda c: st.integers(200, 5000).map(lambda n: c * n))

_piece = st.one_of(
    st.text(max_size=20),
    st.sampled_from(NAMES),
    st.sampled_from(WORDS),
    st.sampled_from(HOSTILE),
    st.sampled_from(SEPARATORS),
    LONG_WORDS,
)
TEXTS = st.lists(_piece, max_size=40).map("".join)
# Sentences that look like news, with hostile pieces mixed in.
_clause = st.tuples(
    st.sampled_from(("Protesters rallied in", "Police fired tear gas in", "Workers struck in", "Residents of")),
    st.sampled_from(NAMES),
    st.sampled_from(("", " on January 4", " yesterday", " overnight", " in 2011", " 5 января", " on Tuesday")),
    st.one_of(st.just(""), st.sampled_from(HOSTILE), st.text(max_size=8)),
    st.sampled_from(SEPARATORS),
).map(lambda t: f"{t[0]} {t[1]}{t[2]}{t[3]}.{t[4]}")
NEWS = st.lists(_clause, min_size=1, max_size=12).map("".join)
ANY_TEXT = st.one_of(TEXTS, NEWS)

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOWER = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --------------------------------------------------------------------------- normalize


@FAST
@given(ANY_TEXT)
@example("İstanbul ǅ ﬁ ß \u0301")
@example("\ud800")
def test_normalize_keeps_every_offset(text):
    folded = normalize(text)
    assert isinstance(folded, str) and len(folded) == len(text)


@FAST
@given(st.text(), st.text())
@example("Alma-Ata", "é")
@example("A_b`c\t", "Ж")
def test_normalize_works_character_by_character(left, right):
    # The ASCII fast path and the per-character path must agree, or offsets would drift between them.
    assert normalize(left + right) == normalize(left) + normalize(right)


# --------------------------------------------------------------------------- sentences


@FAST
@given(ANY_TEXT)
@example("Riots in Almaty. Calm in Aktau.\nNew day.")
@example("Mr. A. B. C.\n\n\n.")
def test_sentences_are_ordered_disjoint_spans_of_the_text(text):
    found = sentences(text)
    last_end, last_paragraph = 0, 0
    for s in found:
        assert 0 <= last_end <= s.start < s.end <= len(text)
        assert text[s.start : s.end] == s.text
        assert s.text == s.text.strip() and "\n" not in s.text
        assert s.paragraph >= last_paragraph
        last_end, last_paragraph = s.end, s.paragraph
    # Nothing but whitespace falls between sentences.
    covered = "".join(s.text for s in found)
    assert "".join(covered.split()) == "".join(text.split())


# --------------------------------------------------------------------------- geoparse


@SLOWER
@given(ANY_TEXT)
@example("Protesters rallied in Almaty. Алматы и Жаңаөзен.\nNationwide, the country was calm. Shots rang out.")
@example("<script>Almaty</script>\x00Жаңаөзен\u202eAktau")
@example("A lone surrogate \ud800 in a long text: " + "Жаңаөзен, Алматы. " * 4)
def test_mentions_point_into_the_text(mini_gazetteer, text):
    doc = Document("prop.txt", text, published=date(2022, 1, 5))
    mentions = find_mentions(doc, mini_gazetteer, GeoparseSettings())
    starts = [m.start for m in mentions]
    assert starts == sorted(starts)
    for m in mentions:
        assert 0 <= m.start <= m.end <= len(text)
        assert text[m.start : m.end] == m.surface
        assert m.sentence_start <= m.start and m.end <= m.sentence_end <= len(text)
        assert m.sentence in text
        assert m.place in m.candidates or m.method in ("deictic", "implicit")


# --------------------------------------------------------------------------- the text stages


@pytest.fixture(scope="module")
def stage_settings():
    return Settings.load(None, gazetteer={"path": MINI, "world": False}, engine={"cache": False})


@SLOWER
@given(
    text=ANY_TEXT,
    published=st.one_of(st.none(), st.dates(date(1990, 1, 1), date(2040, 12, 31))),
    window=st.integers(0, 90),
)
@example(text="On January 2 protests began in Aktau. Police dispersed a rally in Aktobe overnight.",
         published=date(2022, 1, 5), window=30)
@example(text="In 2011 oil workers struck in Zhanaozen. Since January 2 people rallied in Almaty.",
         published=date(2022, 1, 1), window=0)
@example(text="\ud800" + "Митинг в Жаңаөзене 4 января. " * 3, published=date(2022, 1, 5), window=30)
def test_text_stages_date_events_inside_the_window(mini_gazetteer, stage_settings, text, published, window):
    cfg = stage_settings.model_copy(
        update={"temporal": stage_settings.temporal.model_copy(update={"window_days": window})}
    )
    doc = Document("prop.txt", text, title="<b>t</b>", published=published)
    events = engine.process_document(doc, mini_gazetteer, cfg)
    for e in events:
        assert e.doc == "prop.txt" and e.evidence
        assert all(sentence in text for sentence in e.evidence)
        if published is None or e.background or e.date is None:
            continue
        lower = published - timedelta(days=window)
        assert lower <= e.date <= published, (e.date, e.date_basis)
        if e.end_date is not None:
            assert e.date <= e.end_date <= published
