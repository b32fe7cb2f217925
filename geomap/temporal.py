"""Temporal: the day each place mention's event happened, and how sure that is.

One pass of a keyword automaton over the document finds its time
expressions (calendar dates, weekdays, "yesterday", "overnight", years,
month-level phrases, ...) and tense cues; a walk over the sentences then
resolves them against the publication date or the date stated just before,
and carries a date to the following sentences of its paragraph. Each mention
takes the nearest expression of its own clause (a list such as "Aktau and
Almaty" shares one), else the paragraph's carried date, else the publication
date, unless its sentence reads as background recap ("protests began at New
Year", past perfect, "earlier") or as the future ("will march").

Decisions worth knowing:

* "since January 2" is ``TimeRef(Jan 2, end=publication)``: the event has
  gone on from that day up to the article. "from January 5 to 19" is
  ``TimeRef(Jan 5, end=Jan 19)``; "January 3 and 4" is two TimeRefs.
* "overnight", "last night", "tonight until morning", "ночью", "в ночь на
  среду" give two TimeRefs, the day before and the day itself; "on Tuesday
  night" and a bare "tonight" are one day.
* "until January 19" alone is an end without a start: it dates nothing, and
  its sentence gets the publication date only if it is in the present tense.
* A year-less date is the latest such day on or before publication, unless
  it comes up within 31 days after it (then it is a future day: no event).
* Month-level phrases ("in early January", "last month") date nothing; bare
  years, "ten years ago" and dates older than the window mark the mention
  background. Precision "month" is therefore never given: "week" is used
  for "over the weekend", "earlier this week", "a week ago".
* A present-tense "continue"/"still"/"now" clause adds the publication date
  to a sentence's own past date ("protests began on January 2 and continue").
* Without a publication date, words relative to it ("yesterday", "on
  Wednesday") stay unresolved; year-less dates take the commonest year of the
  text's full dates; "the next day" after a full date still resolves.

Examples
--------
>>> from datetime import date
>>> from geomap.config import TemporalSettings
>>> from geomap.records import Document, Mention, Place
>>> text = "On January 2 protests began in Aktau. Police dispersed a rally in Aktobe overnight."
>>> doc = Document("d.txt", text, published=date(2022, 1, 5))
>>> place = Place("geonames:1", "X", 0.0, 0.0, "city", "KZ")
>>> found = [Mention("d.txt", n, text.index(n), text.index(n) + len(n), place) for n in ("Aktau", "Aktobe")]
>>> for dm in date_mentions(doc, found, TemporalSettings()):
...     print(dm.mention.surface, [(str(r.date), r.basis) for r in dm.dates])
Aktau [('2022-01-02', 'explicit')]
Aktobe [('2022-01-04', 'relative'), ('2022-01-05', 'relative')]
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

import ahocorasick

from geomap.config import TemporalSettings
from geomap.dates import (
    MONTH_PATTERN,
    MONTHS,
    WEEKDAYS,
    latest_weekday,
    make_date,
    month_number,
    shift,
    week_start,
    weekday_number,
    year_less,
)
from geomap.records import DatedMention, Document, Mention, TimeRef
from geomap.text import Sentence, sentences

__all__ = ["date_mentions"]

# --------------------------------------------------------------------------- patterns
# Every pattern runs on the lower-cased text, anchored where the keyword scan
# found a digit or a calendar word: a regex pass over the whole text costs
# about as much as all the rest of the stage together.
_ORD = r"(?:st|nd|rd|th|-?го|-е)?"
_CONN = r"(?:[-–—‒]|to|through|thru|until|till|and|&|or|по|до|и|на|или)"
_YEAR = r"(?P<y>(?:19|20)\d\d)(?!\d)(?:\s*(?:года|году|год|г\.|жылы?))?"
# A number after a date that counts people or money is not a year ("January 5, 2000 people").
_COUNT_NOUN = (
    r"(?!\s+(?:people|persons|protesters|demonstrators|residents|officers|police|troops|soldiers|"
    r"were|have|had|of|человек|тенге|рубл\w*)\b)"
)
# Kazakh months take a locative suffix ("5 қаңтарда"); Latin names must end at a word end.
# What comes before a month name in "5 January", "5th of January", "4-6 January", "с 5 по 19 января".
_DAYS_BEFORE_MONTH = re.compile(
    rf"(?<![\w.,:/])(?:(?P<d0>\d{{1,2}}){_ORD}\s*(?P<c0>{_CONN})\s*)?(?P<d>\d{{1,2}}){_ORD}\s+(?:of\s+)?"
)
# What follows it there: a Kazakh case ending, an abbreviation's dot, a year.
_MONTH_TAIL = re.compile(rf"(?:да|де|та|те)?(?P<dot>\.)?(?!\w)(?:,?\s+{_YEAR}{_COUNT_NOUN})?")
# Only an abbreviation takes the dot after it: "5 Jan. 2022", but "5 January." ends a sentence.
_ABBREVIATIONS = frozenset("jan feb mar apr jun jul aug sep sept oct nov dec".split())
# What follows a month name in "January 5", "Jan. 5-6", "January 5, 2022".
_AFTER_MONTH = re.compile(
    r"\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?(?![\d:%]|[.,]\d)"
    rf"(?:\s*(?P<c1>{_CONN})\s*(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?(?![\d:%]|[.,]\d|\s*(?:{MONTH_PATTERN})(?!\w)))?"
    rf"(?:,?\s+{_YEAR}{_COUNT_NOUN})?"
)
_NUMERIC = re.compile(r"(?<![\d.])(?P<d>\d{1,2})[./](?P<mn>\d{1,2})[./](?P<y>(?:19|20)\d\d)(?!\d)")
_ISO = re.compile(r"(?<![\d-])(?P<y>(?:19|20)\d\d)-(?P<mn>\d{1,2})-(?P<d>\d{1,2})(?!\d)")
_ORDINAL_BEFORE = re.compile(r"(?:on|since|from|until|till|by)\s+the\s+")
_ORDINAL_AFTER = re.compile(
    rf"(?:st|nd|rd|th)\b(?!\s+(?:of\s+)?(?:{MONTH_PATTERN})(?!\w))"
    r"(?!\s+(?:day|days|floor|time|anniversary|century|round|place|consecutive|straight|largest|biggest|"
    r"year|week|month|grade|wave|attempt|session|congress|district|minute|hour|victim|person)\b)"
)
# The words just before a calendar date that change what it means.
_PREFIX = re.compile(
    r"(?:(?P<since>since|starting(?:\s+(?:on|from))?|beginning(?:\s+on)?|начиная\s+с|с|со)"
    r"|(?P<from>from)|(?P<between>between|между)"
    r"|(?P<until>until|till|through|up\s+to|до|по|вплоть\s+до)"
    r"|(?P<vague>before|after|prior\s+to|после|перед)"
    r"|(?P<night>(?:the\s+)?night\s+(?:of|from)|в\s+ночь\s+(?:на|с|со)|ночью\s+(?:на|с|со)))"
    r"\s+(?:the\s+)?"
)
_JOIN = re.compile(r"\s*(?P<c>[-–—‒]|to|through|thru|until|till|and|&|по|до|и|на)\s*")
# Between a weekday or "overnight" and a calendar date they restate: "Wednesday, January 5".
_ADJACENT = re.compile(r"[\s,(]*(?:(?:on|of|the|from|into|на|с|со)\s+)*")

_WD_RU_ACC = "понедельник|вторник|среду|четверг|пятницу|субботу|воскресенье"
_WD_RU_GEN = "понедельника|вторника|среды|четверга|пятницы|субботы|воскресенья"
_WD_BEFORE_EN = re.compile(
    r"(?:(?P<mod>last|this|next|past|coming|previous)|(?:early|late|earlier|later)(?:\s+on)?)\s+"
)
_WD_MODES = {"next": "next", "coming": "next", "last": "last", "past": "last", "previous": "last"}
_WD_AFTER_EN = re.compile(r"(?:'s|’s)?(?:\s+(?:morning|afternoon|evening|night))?\b")
_WD_BEFORE_RU = re.compile(
    rf"(?P<night>в\s+ночь\s+(?:со?\s+(?:{_WD_RU_GEN})\s+)?на\s+)"
    r"|во?\s+(?:(?P<mod>прошл\w*|эт\w*|минувш\w*|следующ\w*|будущ\w*)\s+)?"
)
_WD_AFTER_RU = re.compile(r"(?:\s+(?:утром|днем|днём|вечером|ночью))?")

# The last word of each of the patterns above, for a cheap first test.
_PREFIX_LAST = frozenset(
    "since starting on from beginning с со between между until till through to до по before after после "
    "перед of на the".split()
)
_WD_LAST_EN = frozenset("last this next past coming previous early late earlier later on".split())
_WD_LAST_RU = frozenset(
    "в во на прошлый прошлую прошлое прошлой этот эту это этой минувший минувшую минувшее следующий "
    "следующую следующее будущий будущую будущее".split()
)

_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a couple of": 2, "пару": 2,
    "два": 2, "две": 2, "три": 3, "четыре": 4, "пять": 5, "шесть": 6, "семь": 7, "восемь": 8,
    "девять": 9, "десять": 10,
}
# Relative expressions: group name -> wording; _resolve_relative says what each means.
_RELATIVE_PARTS = {
    "dby": r"the\s+day\s+before\s+yesterday|позавчера",
    "before": (
        r"the\s+(?:day|night|evening)\s+(?:before|earlier)|the\s+previous\s+(?:day|night|evening)"
        r"|a\s+day\s+(?:earlier|before)|the\s+day\s+prior|накануне|дн[её]м\s+ранее|за\s+день\s+до\s+этого"
    ),
    "after": (
        r"the\s+(?:next|following)\s+(?:day|morning|evening|night)|a\s+day\s+later|the\s+day\s+after"
        r"|на\s+следующ(?:ий\s+день|ее\s+утро)|на\s+другой\s+день|дн[её]м\s+позже"
    ),
    "night": (
        r"(?:late\s+)?last\s+night|overnight|yesterday\s+night"
        r"|tonight\s+(?:and\s+)?(?:until|till|into|through)\s+(?:the\s+)?morning|during\s+the\s+night"
        r"|(?:вчера|сегодня|этой|прошлой|минувшей)\s+ночью|ночью|в\s+ночь\s+на\s+сегодня|түнде"
    ),
    "yest": (
        r"(?:late\s+|earlier\s+)?yesterday(?:'s|’s)?(?:\s+(?:morning|afternoon|evening))?"
        r"|вчера(?:шн\w+)?(?:\s+(?:утром|дн[её]м|вечером))?|кеше"
    ),
    "today": (
        r"(?:earlier\s+|later\s+)?today(?:'s|’s)?|this\s+(?:morning|afternoon|evening)|tonight"
        r"|сегодня(?:шн\w+)?(?:\s+(?:утром|дн[её]м|вечером))?|этим\s+утром|бүгін"
    ),
    "hours": (
        r"(?:a\s+few|several|a\s+couple\s+of|\d{1,2}|an?|one|two|three|four|five|six|seven|eight|nine|ten|twelve)"
        r"\s+hours?\s+(?:ago|earlier|later|before)"
        r"|(?:несколько|\d{1,2}|пару|два|две|три)\s+час\w*\s+(?:назад|спустя|ранее)"
    ),
    "that": (
        r"(?:later\s+|earlier\s+)?(?:that|the\s+same)\s+(?:day|night|evening|morning|afternoon)"
        r"|(?:в\s+)?(?:тот|этот)\s+же\s+(?:день|вечер)|в\s+тот\s+день|тем\s+же\s+(?:вечером|утром)|той\s+же\s+ночью"
    ),
    "weekend": (
        r"(?:over|during|at|on)\s+the\s+weekend|this(?:\s+past)?\s+weekend|last\s+weekend|the\s+weekend"
        r"|(?:в|на)\s+(?:эти\s+|минувшие\s+|прошедшие\s+|прошлые\s+)?выходные"
    ),
    "ewk": r"earlier\s+this\s+week|в\s+начале\s+(?:этой\s+)?недели",
    "twk": r"this\s+week|на\s+этой\s+неделе|на\s+текущей\s+неделе",
    "lwk": (
        r"last\s+week|the\s+previous\s+week|the\s+past\s+week|на\s+прошлой\s+неделе|на\s+минувшей\s+неделе"
    ),
    "ago": (
        r"(?P<agon>\d{1,3}|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|several|a\s+few"
        r"|a\s+couple\s+of|несколько|пару|два|две|три|четыре|пять|шесть|семь|восемь|девять|десять)\s+"
        r"(?P<agou>days?|weeks?|months?|years?|decades?|дн(?:я|ей)|день|недел[иьюя]|месяц(?:а|ев)?|год(?:а)?|лет)"
        r"\s+(?P<agod>ago|earlier|later|(?:тому\s+)?назад|спустя|позже|ранее)"
    ),
    "lastyear": r"last\s+year|the\s+previous\s+year|в\s+(?:прошлом|минувшем)\s+году",
    "nyd": r"new\s+year(?:'s|’s)?\s+day",
    "nye": r"new\s+year(?:'s|’s)?\s+eve|в\s+новогоднюю\s+ночь",
    "vague": (
        r"last\s+month|this\s+month|earlier\s+this\s+(?:month|year)|this\s+year"
        r"|(?:at|since|over|around|after)\s+(?:the\s+)?new\s+year(?!'s|’s)"
        r"|(?:at|since|from)\s+the\s+(?:start|beginning|turn)\s+of\s+(?:the\s+)?(?:new\s+)?(?:year|month)"
        r"|(?:in|during)\s+the\s+first\s+(?:few\s+)?days\s+of\s+(?:the\s+)?(?:new\s+)?year"
        r"|recently|in\s+recent\s+(?:days|weeks|months)|over\s+the\s+(?:past|last)\s+(?:few\s+|several\s+)?"
        r"(?:days|weeks|months)|since\s+the\s+(?:start|beginning|outbreak)\s+of\s+the\s+\w+"
        r"|в\s+(?:прошлом|этом)\s+месяце|в\s+этом\s+году|в\s+начале\s+(?:года|месяца)"
        r"|в\s+первые\s+дни\s+(?:нового\s+)?года|в\s+новогодние\s+(?:праздники|дни|каникулы)"
        r"|на\s+новый\s+год|после\s+нового\s+года|с\s+начала\s+(?:года|месяца)|недавно|в\s+последние\s+дни"
        r"|на\s+днях|ранее\s+в\s+этом\s+(?:месяце|году)"
    ),
}
_RELATIVE = re.compile(
    "(?:" + "|".join(f"(?P<{name}>{pat})" for name, pat in _RELATIVE_PARTS.items()) + r")(?!\w)"
)
_MONTHS_RU_LOC = frozenset(
    "январе феврале марте апреле мае июне июле августе сентябре октябре ноябре декабре".split()
)
_MONTH_LEVEL_BEFORE = re.compile(
    r"(?:in|during|since|throughout|until|till|by|from|through)\s+(?:(?:early|late|mid)[\s-]+)?"
    r"|(?:early|late|mid)[\s-]+|(?:at\s+)?the\s+(?:start|beginning|end|middle)\s+of\s+|(?:earlier|later)\s+in\s+"
)
_MONTH_LEVEL_BEFORE_RU = re.compile(
    r"(?:в|с|до|к)\s+(?:начал[еаоу]|конц[еау]|середин[еыу])\s+|(?P<bare>в|с|до)\s+"
)
_MONTH_LEVEL_LAST = frozenset(
    "in during since throughout until till by from through early late mid mid- of".split()
)
_MONTH_LEVEL_LAST_RU = frozenset(
    "в с до начале начала началу начало конце конца концу середине середины середину".split()
)
_THE = frozenset({"the"})
_MONTH_YEAR_AFTER = re.compile(r"\.?(?:\s+of)?\s+(?P<y>(?:19|20)\d\d)(?!\d)")
_NO_DAY_AFTER = re.compile(r"(?!\.?\s*\d)")
_YEAR_BEFORE = re.compile(
    r"(?:in|since|from|until|till|during|before|after|early|late|mid|в|с|со|до|к|по)\s+(?:the\s+)?"
    r"(?:early\s+|late\s+|mid-?)?"
)
_YEAR_LAST = frozenset(
    "in since from until till during before after early late mid mid- в с со до к по the".split()
)
_YEAR_AFTER = re.compile(
    r"(?:s|-х|-е)?(?!\d|[.,]\d)(?!\s*(?:%|percent|people|persons|protesters|demonstrators|residents|officers"
    r"|police|troops|soldiers|tenge|dollars|rubles|km|kilomet|mile|met|человек|тенге|рубл|км))"
)
_LETTER_NEXT = re.compile(r"\s+[^\W\d_]")
_YEAR_WORD_AFTER = re.compile(r"\s*(?:года|году|год|гг?\.|жылы?|жылғы)")
_HAD_PARTICIPLE = re.compile(
    r"had\s+(?:(?:not|already|also|reportedly|previously|earlier|just|long|first)\s+)*"
    r"(?:been|begun|broken|done|gone|seen|taken|given|made|spread|fallen|risen|shot|led|held|left|thrown|written"
    r"|beaten|burnt|won|lost|brought|fought|sent|set|put|cut|shut|met|paid|\w+ed)\b"
)
_LIST_GAP = re.compile(r"\s*(?:,\s*(?:(?:and|or|и|или)\s+)?|(?:and|or|и|или|&)\s+)")
_STRONG_BREAK = re.compile(
    r"[;:]|\s[—–-]\s|,\s*(?:and|but|while|whereas|although|though|after\s+which|а|но|однако|хотя)\s"
    r"|\b(?:while|whereas|and\s+then)\b"
)
_WEAK_BREAK = re.compile(r"[,()]|\b(?:and|where|which|who|when|и|где|которы\w*|когда)\b")
# Words that are also English words: only capitalised are they months.
_AMBIGUOUS_MONTHS = frozenset({"may", "march", "mar"})
_LINE_SPACE = frozenset(" \t\u00a0")
_TRAILING_PUNCTUATION = ".,;:!?)]»”\"'’"
# The words a relative phrase can start with: other words are not worth a match attempt.
_RELATIVE_FIRST = frozenset(
    "the a an late last yesterday overnight tonight during earlier later today this that several few "
    "couple one two three four five six seven eight nine ten eleven twelve over at on since around after "
    "from in recently new позавчера накануне днем днём за на вчера сегодня этой прошлой минувшей ночью в "
    "этим тот этот тем той несколько пару два две три четыре пять шесть семь восемь девять десять после с "
    "недавно ранее түнде кеше бүгін".split()
)
_RELATIVE_STEMS = ("вчера", "сегодня")
_WORD_BEFORE = " \n\t\r(«\"“„'‘[—–-/\u00a0"


def _keyword_automaton() -> ahocorasick.Automaton:
    """Build the automaton of every word that time expressions and tense cues are found by."""
    table: dict[str, set[str]] = {}
    stems: set[str] = set()

    def add(kind: str, words: str | Sequence[str], *, stem: bool = False) -> None:
        for word in words.split("|") if isinstance(words, str) else words:
            table.setdefault(word, set()).add(kind)
            if stem:
                stems.add(word)

    add("month", [m for m in MONTHS if m.isascii() or len(m) > 3 or m in {"май", "мая", "мае"}])
    add("month", ["қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым", "шілде", "тамыз", "қыркүйек",
                  "қазан", "қараша", "желтоқсан"], stem=True)
    add("weekday", [w for w in WEEKDAYS if w.isascii() and len(w) > 3])
    add("weekday", _WD_RU_ACC)
    add(
        "rel",
        "yesterday|today|tonight|overnight|night|morning|afternoon|evening|day|days|week|weekend|weeks|month"
        "|months|year|years|decade|decades|hour|hours|recently|recent|eve|позавчера|вчера|сегодня|ночью|ночь"
        "|start|beginning|outbreak|накануне|ранее|позже|день|утро|утром|вечером|вечер|выходные|неделе|недели"
        "|недель|неделю|году|года"
        "|год|лет|дня|дней|назад|спустя|недавно|днях|праздники|дни|каникулы|бүгін|кеше|түнде",
    )
    add("rel", "вчерашн|сегодняшн|месяц|час", stem=True)
    add(
        "recap",
        "began|begun|begin|begins|start|starts|started|erupt|erupts|erupted|broke out|break out|breaks out"
        "|flared|originated|sparked|kicked off|spread|earlier|previously|initially|originally|at first|recall"
        "|recalled|had|начал|начала|начали|начался|началась|началось|начались|начинались|начинался|начиналось"
        "|начиналась|прежде|напомним|напомню|изначально|ранее",
    )
    add("recap", "remind|вспыхнул|разгорел|распространил|перекинул", stem=True)
    add(
        "strong",
        "continue|continues|continuing|remain|remains|currently|now|ongoing|still|at present|right now"
        "|продолжают|продолжает|продолжаются|продолжается|по-прежнему|сейчас|в настоящее время|до сих пор"
        "|пока|остаются|остается|остаётся",
    )
    add("weak", "is|are|am|has|have|isn't|aren't|hasn't|haven't|isn’t|aren’t|hasn’t|haven’t")
    add(
        "future",
        "will|won't|won’t|shall|going to|plan to|plans to|planned to|planning to|intend to|intends to"
        "|scheduled|будет|будут|планируют|планирует|намерены|намерен|собираются|состоится|пройдет|пройдёт",
    )
    add("digit", "0|1|2|3|4|5|6|7|8|9", stem=True)
    automaton = ahocorasick.Automaton()
    # Each word is keyed with the character before it, so that the automaton only
    # ever leaves its root at a word start: several times faster than bare words.
    for word, kinds in table.items():
        value = (len(word), frozenset(kinds), word in stems)
        for before in _WORD_BEFORE:
            automaton.add_word(before + word, value)
    automaton.make_automaton()
    return automaton


_KEYWORDS = _keyword_automaton()
# How many words a relative phrase may have before its keyword ("in the first days of the new year").
_WORDS_BEFORE_KEYWORD = {
    "year": 6, "years": 1, "month": 5, "months": 4, "days": 4, "weeks": 4, "hours": 3, "start": 2,
    "beginning": 2, "outbreak": 2, "года": 4, "году": 2, "лет": 2, "дни": 3, "недели": 3, "неделе": 2,
    "today": 1, "tonight": 0, "overnight": 0, "recently": 0, "позавчера": 0, "накануне": 0,
}


def _lower(text: str) -> str:
    """Lower-case ``text`` without changing its length, so that offsets stay valid."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(ch if len(folded := ch.lower()) != 1 else folded for ch in text)


# --------------------------------------------------------------------------- records
@dataclass(slots=True)
class _Raw:
    """A time expression as found, before it is resolved against a date."""

    start: int
    end: int
    rule: str
    data: tuple
    text: str


@dataclass(slots=True)
class _Expr:
    """A resolved time expression: what kind of time it names, and its dates."""

    start: int
    end: int
    kind: str  # date | background | vague | future | end | unknown
    refs: tuple[TimeRef, ...] = ()
    attributive: bool = False
    bare_weekday: bool = False  # "on Friday": the coming Friday in a sentence about the future


@dataclass(slots=True)
class _Context:
    published: date | None
    reference: date | None
    window: int
    lower: date | None = None
    publication: tuple[TimeRef, ...] = ()  # the publication date as a TimeRef, made once


@dataclass(slots=True)
class _Scan:
    """What one pass over a document found: time expressions and tense cues."""

    raws: list[_Raw]
    cues: list[tuple[int, str]]


_PRIORITY = {"cal": 0, "ordinal": 0, "weekday": 1, "relative": 2, "month": 3, "year": 4}


# --------------------------------------------------------------------------- finding
def _words_back(low: str, pos: int, count: int) -> list[tuple[int, str]]:
    """Return up to ``count`` words before ``pos`` on its line, nearest first, with their starts."""
    if count <= 0:
        return []
    floor = max(0, pos - 120)
    newline = low.rfind("\n", floor, pos)
    if newline >= 0:
        floor = newline + 1
    window = low[floor:pos]
    words: list[tuple[int, str]] = []
    cut = len(window)
    for token in reversed(window.split()[-count:]):
        cut = window.rfind(token, 0, cut)
        skip = 0
        while skip < len(token) - 1 and not token[skip].isalnum():
            skip += 1  # "(last" starts at "last"
        words.append((floor + cut + skip, token[skip:].rstrip(_TRAILING_PUNCTUATION)))
    return words


def _ends_at(
    pattern: re.Pattern[str], low: str, pos: int, back: list[tuple[int, str]], last_words: frozenset[str]
) -> re.Match[str] | None:
    """Return the longest match of ``pattern`` ending at ``pos`` and starting at a word of ``back``.

    ``last_words`` are the words such a match can end with: most keywords have
    none of them before, and are done with after one set lookup.
    """
    if not back or back[0][1] not in last_words:
        return None
    found = None
    for start, _ in back:
        m = pattern.fullmatch(low, start, pos)
        if m is not None:
            found = m
    return found


def _scan(text: str, low: str) -> _Scan:
    """Find every candidate time expression and tense cue in one pass of the keyword automaton."""
    raws: list[_Raw] = []
    cues: list[tuple[int, str]] = []
    n = len(low)
    month_ends: set[int] = set()
    digits_end = -1
    # The leading space lets a keyword match at the very start; offsets come out right as they are.
    for end, (length, kinds, stem) in _KEYWORDS.iter_long(" " + low):
        start = end - length
        if not stem and end < n and low[end].isalnum():
            continue
        if "digit" in kinds:
            if start >= digits_end:
                digits_end = end
                while digits_end < n and low[digits_end].isdigit():
                    digits_end += 1
                _digit_raws(text, low, start, digits_end, raws)
            continue
        if "month" in kinds:
            _month_raws(text, low, start, end, month_ends, raws)
            month_ends.add(end)
        if "weekday" in kinds:
            _weekday_raw(text, low, start, end, raws)
        if "rel" in kinds:
            _relative_raw(text, low, start, end, raws)
        for kind in kinds & _CUE_KINDS:
            if _cue_holds(low, start, end, kind):
                cues.append((start, kind))
    return _Scan(raws, cues)


_CUE_KINDS = frozenset({"recap", "strong", "weak", "future"})


def _cue_holds(low: str, start: int, end: int, kind: str) -> bool:
    word = low[start:end]
    if word == "had":
        return _HAD_PARTICIPLE.match(low, start) is not None
    if word == "still":
        return not low[max(0, start - 5) : start].endswith(("was ", "were ", "had "))
    if word == "continuing":
        return low[max(0, start - 4) : start].endswith(("is ", "are ", "am "))
    return True


def _month_raws(text: str, low: str, start: int, end: int, month_ends: set[int], raws: list[_Raw]) -> None:
    token = low[start:end]
    if token in _AMBIGUOUS_MONTHS and not text[start].isupper():
        return
    month = month_number(token)
    if month is None:
        return
    back = _words_back(low, start, 5)
    if back and (back[0][1] == "of" or back[0][1][:1].isdigit()):
        if _day_month_raw(text, low, start, end, month, back[:4], month_ends, raws):
            return
    after = _AFTER_MONTH.match(low, end)
    if after is not None:
        _month_day_raw(text, start, month, after, raws)
        return
    before = _ends_at(_MONTH_LEVEL_BEFORE, low, start, back, _MONTH_LEVEL_LAST) if token.isascii() else None
    if before is not None:
        year = _MONTH_YEAR_AFTER.match(low, end)
        if year is not None:
            raws.append(_month_raw(text, before.start(), year.end(), month, int(year["y"])))
        elif _NO_DAY_AFTER.match(low, end):
            raws.append(_month_raw(text, before.start(), end, month, None))
        return
    year = _MONTH_YEAR_AFTER.match(low, end)
    if year is not None:
        raws.append(_month_raw(text, start, year.end(), month, int(year["y"])))
        return
    if token.isascii() or not _NO_DAY_AFTER.match(low, end):
        return
    before = _ends_at(_MONTH_LEVEL_BEFORE_RU, low, start, back[:3], _MONTH_LEVEL_LAST_RU)
    if before is not None and (not before["bare"] or token in _MONTHS_RU_LOC or before["bare"] != "в"):
        raws.append(_month_raw(text, before.start(), end, month, None))


def _month_raw(text: str, start: int, end: int, month: int, year: int | None) -> _Raw:
    return _Raw(start, end, "month", (month, year), text[start:end])


def _month_day_raw(text: str, start: int, month: int, m: re.Match[str], raws: list[_Raw]) -> None:
    """Add the date a month name starts: "January 5", "Jan. 5-6", "January 5 and 6", "January 5, 2022"."""
    day = int(m["d"])
    year = int(m["y"]) if m["y"] else None
    end = m.end()
    days = [day]
    conn = (m["c1"] or "").strip()
    if m["d1"]:
        day1 = int(m["d1"])
        if conn in {"and", "&", "or", "и", "или"} and not 0 < day1 - day <= 7:
            end, year, conn = m.end("d"), None, ""
        else:
            days.append(day1)
    cals = tuple((month, d, year) for d in days)
    raws.append(_Raw(start, end, "cal", (cals, conn), text[start:end]))


def _digit_raws(text: str, low: str, start: int, end: int, raws: list[_Raw]) -> None:
    width = end - start
    if width <= 2:
        m = _NUMERIC.match(low, start) if low[end : end + 1] in {".", "/"} else None
        if m is not None:
            cal = (int(m["mn"]), int(m["d"]), int(m["y"]))
            raws.append(_Raw(m.start(), m.end(), "cal", ((cal,), ""), m.group()))
        if low.startswith(("st", "nd", "rd", "th"), end) and _ORDINAL_AFTER.match(low, end):
            before = _ends_at(_ORDINAL_BEFORE, low, start, _words_back(low, start, 2), _THE)
            if before is not None:
                m_end = end + 2
                data = (int(low[start:end]), before.group())
                raws.append(_Raw(start, m_end, "ordinal", data, text[start:m_end]))
    elif width == 4 and low.startswith(("19", "20"), start):
        m = _ISO.match(low, start)
        if m is not None:
            cal = (int(m["mn"]), int(m["d"]), int(m["y"]))
            raws.append(_Raw(m.start(), m.end(), "cal", ((cal,), ""), m.group()))
        _year_raw(text, low, start, end, raws)


def _day_month_raw(
    text: str,
    low: str,
    start: int,
    end: int,
    month: int,
    back: list[tuple[int, str]],
    month_ends: set[int],
    raws: list[_Raw],
) -> bool:
    """Add the date a month name ends: "5 January", "4-6 January", "с 5 по 19 января 2022 года"."""
    if not start or not low[start - 1].isspace():
        return False
    found = None
    for first, word in back:
        if not word[:1].isdigit():
            continue
        m = _DAYS_BEFORE_MONTH.fullmatch(low, first, start)
        if m is None:
            continue
        if m["d0"] and _after_month(low, first, month_ends):
            continue  # "January 30 to 2 February": the 30th belongs to January
        found = m
    if found is None:
        return False
    tail = _MONTH_TAIL.match(low, end)
    if tail is None:
        return False
    last = tail.end()
    year = int(tail["y"]) if tail["y"] else None
    if tail["dot"] and low[start:end] not in _ABBREVIATIONS:
        last, year = tail.start("dot"), None
    day = int(found["d"])
    if found["d0"]:
        cals: tuple = ((month, int(found["d0"]), year), (month, day, year))
        conn = found["c0"].strip()
    else:
        cals, conn = ((month, day, year),), ""
    first = found.start()
    raws.append(_Raw(first, last, "cal", (cals, conn), text[first:last]))
    return True


def _after_month(low: str, pos: int, month_ends: set[int]) -> bool:
    back = pos
    while back and low[back - 1] in " .\u00a0":
        back -= 1
    return back in month_ends


def _year_raw(text: str, low: str, start: int, end: int, raws: list[_Raw]) -> None:
    year = int(low[start:end])
    word = _YEAR_WORD_AFTER.match(low, end)
    if word is not None:
        raws.append(_Raw(start, word.end(), "year", (year, False), text[start : word.end()]))
        return
    # "the 1993 constitution", "(2011)": a year naming a thing, not the time of its clause.
    if low[start - 1 : start] == "(" and low[end : end + 1] == ")":
        raws.append(_Raw(start - 1, end + 1, "year", (year, True), text[start - 1 : end + 1]))
        return
    before = _ends_at(_YEAR_BEFORE, low, start, _words_back(low, start, 4), _YEAR_LAST)
    after = _YEAR_AFTER.match(low, end)
    if before is not None and after is not None:
        first, last = before.start(), after.end()
        raws.append(_Raw(first, last, "year", (year, False), text[first:last]))
    elif low[max(0, start - 4) : start] == "the " and _LETTER_NEXT.match(low, end):
        raws.append(_Raw(start - 4, end, "year", (year, True), text[start - 4 : end]))


def _weekday_raw(text: str, low: str, start: int, end: int, raws: list[_Raw]) -> None:
    token = low[start:end]
    weekday = weekday_number(token)
    if weekday is None:
        return
    if token.isascii():
        before = _ends_at(_WD_BEFORE_EN, low, start, _words_back(low, start, 2), _WD_LAST_EN)
        after = _WD_AFTER_EN.match(low, end)
        mod = (before["mod"] or "") if before else ""
        mode = _WD_MODES.get(mod, "on")
        first = before.start() if before else start
        last = after.end() if after else end
    else:
        before = _ends_at(_WD_BEFORE_RU, low, start, _words_back(low, start, 5), _WD_LAST_RU)
        if before is None:
            return
        mod = before["mod"] or ""
        if before["night"]:
            mode = "night"
        elif mod.startswith(("следующ", "будущ")):
            mode = "next"
        else:
            mode = "last" if mod.startswith(("прошл", "минувш")) else "on"
        first, last = before.start(), _WD_AFTER_RU.match(low, end).end()
    raws.append(_Raw(first, last, "weekday", (weekday, mode), text[first:last]))


def _relative_raw(text: str, low: str, start: int, end: int, raws: list[_Raw]) -> None:
    """Add the longest relative phrase ("the day before yesterday") around the keyword at ``start``."""
    back = _WORDS_BEFORE_KEYWORD.get(low[start:end], 3)
    for first, word in reversed([(start, ""), *_words_back(low, start, back)]):
        if word and not (word in _RELATIVE_FIRST or word[:1].isdigit() or word.startswith(_RELATIVE_STEMS)):
            continue
        m = _RELATIVE.match(low, first)
        if m is None or m.end() < end:
            continue
        name = m.lastgroup or ""
        if name.startswith("ago"):
            name = "ago"
        data: tuple = (name,)
        if name == "ago":
            data = (name, " ".join(m["agon"].split()), m["agou"], m["agod"])
        raws.append(_Raw(first, m.end(), "relative", data, text[first : m.end()]))
        return


def _select(raws: list[_Raw]) -> list[_Raw]:
    """Keep non-overlapping expressions: calendar dates first, then longer ones."""
    raws.sort(key=lambda r: (_PRIORITY[r.rule], r.start - r.end, r.start))
    taken: list[_Raw] = []
    for r in raws:
        if r.end <= r.start or any(r.start < t.end and t.start < r.end for t in taken):
            continue
        taken.append(r)
    taken.sort(key=lambda r: r.start)
    return taken


def _merge(text: str, low: str, raws: list[_Raw]) -> list[_Raw]:
    """Join "January 30 to February 2" into one range, and drop weekdays that restate a date."""
    out: list[_Raw] = []
    for r in raws:
        prev = out[-1] if out else None
        if prev is not None:
            gap = low[prev.end : r.start]
            if prev.rule == r.rule == "cal" and not prev.data[1] and not r.data[1]:
                joined = _JOIN.fullmatch(gap)
                if joined and len(prev.data[0]) == 1 and len(r.data[0]) == 1:
                    data = (prev.data[0] + r.data[0], joined["c"])
                    out[-1] = _Raw(prev.start, r.end, "cal", data, text[prev.start : r.end])
                    continue
            if _restates(prev, r, gap):
                continue
            if _restates(r, prev, gap):
                out[-1] = r
                continue
        out.append(r)
    return out


def _restates(cal: _Raw, other: _Raw, gap: str) -> bool:
    """Tell whether ``other`` (a weekday or part of day) only repeats the calendar date next to it."""
    if cal.rule != "cal" or other.rule not in {"weekday", "relative"}:
        return False
    if other.rule == "relative" and other.data[0] not in {"night", "today", "yest"}:
        return False
    return len(gap) <= 12 and _ADJACENT.fullmatch(gap) is not None


# --------------------------------------------------------------------------- resolving
_Resolved = tuple[str, tuple[TimeRef, ...]]  # (kind, dates) as in _Expr


def _admit(refs: tuple[TimeRef, ...], ctx: _Context) -> _Resolved:
    """Keep the dates inside the window, and say why when none is left."""
    if ctx.published is None or ctx.lower is None:
        return ("date", refs) if refs else ("unknown", ())
    kept = tuple(r for r in refs if ctx.lower <= r.date <= ctx.published)
    if kept:
        return "date", kept
    if any(r.date > ctx.published for r in refs):
        return "future", ()
    return ("background", ()) if refs else ("unknown", ())


def _resolve_cal(raw: _Raw, text: str, low: str, ctx: _Context) -> _Resolved:
    cals, conn = raw.data
    prefix = _ends_at(_PREFIX, low, raw.start, _words_back(low, raw.start, 4), _PREFIX_LAST)
    kind = prefix.lastgroup if prefix else None
    if kind == "vague":
        return "vague", ()
    first = _cal_date(cals[0], ctx.reference)
    if first is None:
        return "unknown", ()
    label = text[prefix.start() if prefix else raw.start : raw.end]
    refs: tuple[TimeRef, ...]
    if len(cals) > 1:
        second = _second_date(cals[1], first)
        if second is None:
            return "unknown", ()
        if kind == "night" or conn == "на" or (conn in {"and", "&", "or", "и", "или"} and kind != "between"):
            refs = (TimeRef(first, text=label), TimeRef(second, text=label))
        else:
            refs = (TimeRef(first, second if second > first else None, text=label),)
    elif kind == "until":
        return "end", ()
    elif kind == "since":
        end = ctx.published if ctx.published and ctx.published > first else None
        refs = (TimeRef(first, end, text=label),)
    elif kind == "night" and prefix is not None and prefix.group().startswith(("в", "ноч")):
        # "в ночь на 5 января" is the night from the 4th to the 5th.
        eve = shift(first, -1)
        refs = ((TimeRef(eve, text=label),) if eve else ()) + (TimeRef(first, text=label),)
    else:
        refs = (TimeRef(first, text=label),)
    return _admit(refs, ctx)


def _cal_date(cal: tuple[int, int, int | None], reference: date | None) -> date | None:
    month, day, year = cal
    if year is not None:
        return make_date(year, month, day)
    return year_less(month, day, reference) if reference else None


def _second_date(cal: tuple[int, int, int | None], first: date) -> date | None:
    month, day, year = cal
    if year is not None:
        return make_date(year, month, day)
    second = make_date(first.year, month, day)
    if second is not None and second < first:
        second = make_date(first.year + 1, month, day)
    return second


def _resolve_ordinal(raw: _Raw, ctx: _Context, month: int | None) -> _Resolved:
    """Date "on the 4th": in the month last named, else the latest such day before publication."""
    day, before = raw.data
    if ctx.reference is None:
        return "unknown", ()
    if before.startswith(("until", "till")):
        return "end", ()
    if month is not None:
        found = year_less(month, day, ctx.reference)
    else:
        found = make_date(ctx.reference.year, ctx.reference.month, day)
        if found is None or found > ctx.reference:
            back = shift(ctx.reference.replace(day=1), -1)
            found = make_date(back.year, back.month, day) if back else None
    if found is None:
        return "unknown", ()
    return _admit((TimeRef(found, text=raw.text),), ctx)


def _resolve_weekday(raw: _Raw, ctx: _Context) -> _Resolved:
    weekday, mode = raw.data
    if ctx.published is None:
        return "unknown", ()
    if mode == "next":
        return "future", ()
    day = latest_weekday(ctx.published, weekday, strictly_before=mode == "last")
    if day is None:
        return "unknown", ()
    refs = (TimeRef(day, basis="relative", text=raw.text),)
    if mode == "night":
        eve = shift(day, -1)
        refs = ((TimeRef(eve, basis="relative", text=raw.text),) if eve else ()) + refs
    return _admit(refs, ctx)


def _resolve_relative(raw: _Raw, ctx: _Context, anchor: date | None, last: date | None) -> _Resolved:
    name = raw.data[0]
    pub = ctx.published
    if name == "vague":
        return "vague", ()
    if name == "lastyear":
        return "background", ()
    if name in {"nyd", "nye"}:
        cal = (1, 1, None) if name == "nyd" else (12, 31, None)
        found = _cal_date(cal, ctx.reference)
        return _admit((TimeRef(found, text=raw.text),), ctx) if found else ("unknown", ())
    if name == "ago":
        return _resolve_ago(raw, ctx, anchor)
    if name in {"that", "after"}:
        base = anchor or last
        if base is None:
            return "unknown", ()
        day = base if name == "that" else shift(base, 1)
        return _admit((TimeRef(day, basis="relative", text=raw.text),), ctx) if day else ("unknown", ())
    if name in {"before", "hours"}:
        base = anchor or pub
        if base is None:
            return "unknown", ()
        day = shift(base, -1) if name == "before" else base
        return _admit((TimeRef(day, basis="relative", text=raw.text),), ctx) if day else ("unknown", ())
    if pub is None:
        return "unknown", ()
    offsets = {"dby": (-2,), "yest": (-1,), "today": (0,), "night": (-1, 0)}.get(name)
    if offsets is not None:
        days = [shift(pub, k) for k in offsets]
        refs = tuple(TimeRef(d, basis="relative", text=raw.text) for d in days if d is not None)
        return _admit(refs, ctx)
    return _admit(_week_refs(name, raw.text.lower(), pub, raw.text), ctx)


def _week_refs(name: str, lowered: str, pub: date, label: str) -> tuple[TimeRef, ...]:
    if name == "weekend":
        saturday = latest_weekday(pub, 5, strictly_before="last" in lowered and pub.weekday() >= 5)
        if saturday is None:
            return ()
        sunday = shift(saturday, 1)
        end = min(sunday, pub) if sunday else None
        return (TimeRef(saturday, end if end and end > saturday else None, "week", "relative", label),)
    monday = week_start(pub)
    if monday is None:
        return ()
    if name == "ewk":
        end = shift(pub, -1)
        return (TimeRef(monday, end if end and end > monday else None, "week", "relative", label),)
    if name == "twk":
        return (TimeRef(monday, pub if pub > monday else None, "week", "relative", label),)
    start, end = shift(monday, -7), shift(monday, -1)
    return (TimeRef(start, end, "week", "relative", label),) if start and end else ()


def _resolve_ago(raw: _Raw, ctx: _Context, anchor: date | None) -> _Resolved:
    _, count_word, unit, direction = raw.data
    count_word = " ".join(count_word.split())
    count = int(count_word) if count_word.isdigit() else _NUMBER_WORDS.get(count_word)
    if unit.startswith(("year", "decade", "год", "лет")):
        return "background", ()
    if count is None:
        return "vague", ()
    if unit.startswith(("month", "месяц")):
        if ctx.published is None or count * 30 > ctx.window:
            return "background", ()
        return "vague", ()
    days = count * (7 if unit.startswith(("week", "недел")) else 1)
    precision = "week" if days >= 7 else "day"
    if direction in {"later", "спустя", "позже"}:
        if anchor is None:
            return "unknown", ()
        day = shift(anchor, days)
    elif direction in {"earlier", "ранее"} and anchor is not None:
        day = shift(anchor, -days)
    elif ctx.published is not None:
        day = shift(ctx.published, -days)
    else:
        return "unknown", ()
    if day is None:
        return "unknown", ()
    return _admit((TimeRef(day, precision=precision, basis="relative", text=raw.text),), ctx)


def _resolve_month(raw: _Raw, ctx: _Context) -> _Resolved:
    month, year = raw.data
    if ctx.published is None:
        old = year is not None and ctx.reference is not None and year < ctx.reference.year
        return ("background" if old else "vague"), ()
    if year is None:
        first = year_less(month, 1, ctx.published, ahead=0)
    else:
        first = make_date(year, month, 1)
    if first is None or first > ctx.published:
        return "future", ()
    following = make_date(first.year + (month == 12), month % 12 + 1, 1)
    last_day = shift(following, -1) if following else None
    if last_day is not None and ctx.lower is not None and last_day < ctx.lower:
        return "background", ()
    return "vague", ()


def _resolve_year(raw: _Raw, ctx: _Context) -> _Resolved:
    year = raw.data[0]
    now = ctx.published or ctx.reference
    if now is None or year < now.year:
        return "background", ()
    return ("vague", ()) if year == now.year else ("future", ())


# --------------------------------------------------------------------------- per document
@dataclass(slots=True)
class _SentenceCues:
    recap: bool = False
    strong: list[int] = field(default_factory=list)
    weak: bool = False
    future: list[int] = field(default_factory=list)


def _reference(raws: Sequence[_Raw], published: date | None) -> date | None:
    """Return the day year-less dates are read against: publication, else the text's full dates.

    Without a publication date the commonest year among the full dates wins
    (a "Modified 24 December 2023" line does not outvote the story), and its
    latest date stands in for the publication day.
    """
    if published is not None:
        return published
    found = [
        d
        for r in raws
        if r.rule == "cal"
        for month, day, year in r.data[0]
        if year is not None and (d := make_date(year, month, day)) is not None
    ]
    if not found:
        return None
    years = Counter(d.year for d in found)
    modal = max(sorted(years), key=lambda y: years[y])
    return max(d for d in found if d.year == modal)


def _inside(pos: int, exprs: list[_Expr]) -> bool:
    return any(e.start <= pos < e.end for e in exprs)


_Dated = tuple[tuple[TimeRef, ...], bool]


@lru_cache(maxsize=8192)
def _sentence_scan(sentence: str) -> tuple[tuple[_Raw, ...], tuple[tuple[int, str], ...]]:
    """The time expressions and tense cues of one sentence, offsets into it; never mutate them.

    A sentence is read on its own, so one met before in the corpus (wire copy,
    boilerplate) is not scanned again.
    """
    low = _lower(sentence)
    scan = _scan(sentence, low)
    return tuple(_merge(sentence, low, _select(scan.raws))), tuple(scan.cues)


def _analyse(
    doc: Document, cfg: TemporalSettings, sents: list[Sentence], wanted: dict[int, list[tuple[int, int, int]]]
) -> dict[int, _Dated]:
    """Walk the sentences once and date every ``(mention index, start, end)`` of ``wanted``."""
    text = doc.text
    published = doc.published
    low = _lower(text)
    raw_by_sentence: dict[int, list[_Raw]] = {}
    cues_by_sentence: dict[int, list[tuple[int, str]]] = {}
    for index, sent in enumerate(sents):
        found, cues = _sentence_scan(sent.text)
        base = sent.start
        if found:
            raw_by_sentence[index] = [_Raw(r.start + base, r.end + base, r.rule, r.data, r.text) for r in found]
        if cues:
            cues_by_sentence[index] = [(pos + base, kind) for pos, kind in cues]
    raws = [r for found in raw_by_sentence.values() for r in found]
    ctx = _Context(published, _reference(raws, published), cfg.window_days)
    if published is not None:
        ctx.lower = shift(published, -cfg.window_days) or date.min
        ctx.publication = (TimeRef(published, basis="publication"),)
    wanted_paragraphs = {sents[i].paragraph for i in wanted}

    out: dict[int, _Dated] = {}
    last_doc: date | None = None
    last_month: int | None = None
    paragraph = -1
    carry: _Carry = None
    for index, sent in enumerate(sents):
        if sent.paragraph != paragraph:
            paragraph, carry = sent.paragraph, None
        carry_day = carry[1][0].date if carry and carry[0] == "date" else None
        exprs: list[_Expr] = []
        anchor: date | None = None
        for raw in raw_by_sentence.get(index, ()):
            base = anchor or carry_day
            if raw.rule == "cal":
                kind, refs = _resolve_cal(raw, text, low, ctx)
                month = raw.data[0][-1][0]
                last_month = month if 1 <= month <= 12 else last_month
            elif raw.rule == "ordinal":
                kind, refs = _resolve_ordinal(raw, ctx, last_month)
            elif raw.rule == "weekday":
                kind, refs = _resolve_weekday(raw, ctx)
            elif raw.rule == "relative":
                kind, refs = _resolve_relative(raw, ctx, base, last_doc)
            elif raw.rule == "month":
                kind, refs = _resolve_month(raw, ctx)
            else:
                kind, refs = _resolve_year(raw, ctx)
            attributive = raw.rule == "year" and raw.data[1]
            bare_weekday = raw.rule == "weekday" and raw.data[1] == "on"
            exprs.append(_Expr(raw.start, raw.end, kind, refs, attributive, bare_weekday))
            if kind == "date":
                anchor = refs[0].date
        if sent.paragraph not in wanted_paragraphs:
            last_doc = _last_date(exprs, last_doc)
            continue
        cues = _cues(cues_by_sentence.get(index, ()), exprs)
        items = wanted.get(index)
        if items:
            clauses = _Clauses(sent, low, exprs)
            for mention_index, g_start, g_end in _listed(low, items):
                out[mention_index] = _date_one(clauses, cues, carry, ctx, g_start, g_end)
        carry = _next_carry(exprs, cues, carry)
        last_doc = _last_date(exprs, last_doc)
    return out


def _listed(low: str, items: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Give each mention the span of its list: "spread to Aktau and Almaty by January 4"."""
    if len(items) == 1:
        return items
    ordered = sorted(items, key=lambda item: item[1])
    groups: list[list[tuple[int, int, int]]] = [[ordered[0]]]
    for item in ordered[1:]:
        last_end = groups[-1][-1][2]
        if last_end <= item[1] and _LIST_GAP.fullmatch(low, last_end, item[1]):
            groups[-1].append(item)
        else:
            groups.append([item])
    return [(index, group[0][1], group[-1][2]) for group in groups for index, _, _ in group]


def _last_date(exprs: list[_Expr], last: date | None) -> date | None:
    for e in exprs:
        if e.kind == "date":
            last = e.refs[0].date
    return last


_NO_CUES = _SentenceCues()  # shared by every sentence without a cue: never mutated


def _cues(found: Sequence[tuple[int, str]], exprs: list[_Expr]) -> _SentenceCues:
    if not found:
        return _NO_CUES
    cues = _SentenceCues()
    for pos, kind in found:
        if kind == "weak":
            cues.weak = True
        elif _inside(pos, exprs):
            continue  # "earlier" of "earlier this week" is no recap
        elif kind == "recap":
            cues.recap = True
        elif kind == "future":
            cues.future.append(pos)
        else:
            cues.strong.append(pos)
    return cues


_Carry = tuple[str, tuple[TimeRef, ...]] | None


def _next_carry(exprs: list[_Expr], cues: _SentenceCues, carry: _Carry) -> _Carry:
    """Return what a sentence leaves to the rest of its paragraph: a date, history, recap, or the same."""
    if exprs:
        dated = [e for e in exprs if e.kind == "date"]
        if dated:
            refs = dated[-1].refs
            return "date", tuple(TimeRef(r.date, r.end, r.precision, "carried", r.text) for r in refs)
        kinds = {e.kind for e in exprs if not e.attributive}
        if "background" in kinds:
            return "background", ()
        if kinds & {"vague", "unknown"}:
            return "recap", ()
    if cues is _NO_CUES:
        return carry
    if cues.recap and not cues.strong:
        return "recap", ()
    if carry is not None and carry[0] != "date" and (cues.strong or cues.weak):
        return None
    return carry


class _Clauses:
    """One sentence's time expressions and clause breaks, the breaks found on first use."""

    __slots__ = ("_cuts", "_strong", "_weak", "exprs", "low", "sent")

    def __init__(self, sent: Sentence, low: str, exprs: list[_Expr]) -> None:
        self.sent, self.low, self.exprs = sent, low, exprs
        self._strong: list[int] | None = None
        self._weak: list[int] = []
        self._cuts: list[int] = []

    def breaks(self) -> tuple[list[int], list[int]]:
        """Return where the clauses break: strongly (";", ", but") and weakly (",", "and", "where")."""
        if self._strong is None:
            sent, exprs = self.sent, self.exprs
            strong = [m.start() for m in _STRONG_BREAK.finditer(self.low, sent.start, sent.end)]
            weak = [m.start() for m in _WEAK_BREAK.finditer(self.low, sent.start, sent.end)]
            if exprs:
                strong = [pos for pos in strong if not _inside(pos, exprs)]
                weak = [pos for pos in weak if not _inside(pos, exprs)]
            self._strong, self._weak, self._cuts = strong, weak, sorted(strong + weak)
        return self._strong, self._weak

    def cuts(self) -> list[int]:
        """Return every break, strong or weak, in order."""
        self.breaks()
        return self._cuts


def _date_one(
    clauses: _Clauses, cues: _SentenceCues, carry: _Carry, ctx: _Context, m_start: int, m_end: int
) -> _Dated:
    """Date the mention (or list of mentions) at ``m_start:m_end`` of the sentence."""
    exprs = clauses.exprs
    if any(e.attributive for e in exprs):
        exprs = [e for e in exprs if not e.attributive or _modifies(clauses.low, e, m_start)]
    if exprs:
        chosen = _nearest(clauses, exprs, m_start, m_end)
        future = chosen.bare_weekday and _future_near(clauses, cues, chosen.start)
        if chosen.kind == "date" and future:
            return _fallback(cues, carry, ctx, allow_publication=False)  # "will rally on Friday": not yet
        if chosen.kind == "date":
            refs = chosen.refs
            if ctx.published is not None and _ongoing(clauses, cues) and not any(
                r.date == ctx.published or (r.end is not None and r.end >= ctx.published) for r in refs
            ):
                refs = refs + ctx.publication
            return refs, False
        if chosen.kind == "background":
            return (), True
        if chosen.kind in {"vague", "unknown"}:
            return (), False
        # Only an end or a future day: "declared until January 19" says nothing of when,
        # "is in force until January 19" still says now.
        return _fallback(cues, carry, ctx, allow_publication=bool(cues.strong or cues.weak))
    if _future_near(clauses, cues, m_start):
        return (), False  # "activists will march in X": nothing has happened yet
    return _fallback(cues, carry, ctx, allow_publication=True)


def _future_near(clauses: _Clauses, cues: _SentenceCues, pos: int) -> bool:
    """Tell whether a "will"/"plans to"/"будет" stands in the same clause as ``pos``."""
    if not cues.future:
        return False
    cuts = clauses.cuts()
    clause = bisect_right(cuts, pos)
    return any(bisect_right(cuts, cue) == clause for cue in cues.future)


def _fallback(cues: _SentenceCues, carry: _Carry, ctx: _Context, *, allow_publication: bool) -> _Dated:
    """Date a mention its sentence gives no day: carried, publication, or nothing."""
    pub = ctx.published
    if carry is not None:
        state, refs = carry
        if state == "date":
            if cues.strong and pub is not None:
                return ctx.publication, False
            return refs, False
        if (cues.strong or cues.weak) and pub is not None and allow_publication:
            return ctx.publication, False
        return (), state == "background"
    if cues.recap and not cues.strong:
        return (), False
    if pub is None or not allow_publication:
        return (), False
    return ctx.publication, False


def _between(e: _Expr, m_start: int, m_end: int) -> tuple[int, int, bool]:
    """Return the span between an expression and a mention, and whether the expression comes after."""
    if e.end <= m_start:
        return e.end, m_start, False
    if e.start >= m_end:
        return m_end, e.start, True
    return m_start, m_start, False


def _modifies(text: str, e: _Expr, m_start: int) -> bool:
    """Tell whether an attributive year belongs to the mention's phrase: "the 2011 Zhanaozen strike"."""
    gap = text[e.end : m_start] if e.end <= m_start else "."
    return len(gap.split()) <= 3 and not any(ch in gap for ch in ",;:.()")


def _nearest(clauses: _Clauses, exprs: list[_Expr], m_start: int, m_end: int) -> _Expr:
    """Pick the expression in the mention's own clause, else the one fewest clause breaks away."""
    if len(exprs) == 1:
        return exprs[0]
    strong, weak = clauses.breaks()
    best: tuple | None = None
    chosen = exprs[0]
    for e in exprs:
        a, b, after = _between(e, m_start, m_end)
        n_strong = bisect_left(strong, b) - bisect_left(strong, a)
        n_weak = bisect_left(weak, b) - bisect_left(weak, a)
        if e.kind == "background":
            n_weak += 2  # history must sit in the mention's own clause to claim it
        key = (n_strong, n_weak, b - a, after)
        if best is None or key < best:
            best, chosen = key, e
    return chosen


def _ongoing(clauses: _Clauses, cues: _SentenceCues) -> bool:
    """Tell whether a present "continue"/"still" has a clause of its own: the event goes on today."""
    if not cues.strong:
        return False
    cuts = clauses.cuts()
    sent = clauses.sent
    for pos in cues.strong:
        i = bisect_right(cuts, pos)
        lo = cuts[i - 1] if i else sent.start
        hi = cuts[i] if i < len(cuts) else sent.end
        if not any(e.start < hi and lo < e.end for e in clauses.exprs):
            return True
    return False


# --------------------------------------------------------------------------- entry point
def date_mentions(doc: Document, mentions: Sequence[Mention], cfg: TemporalSettings) -> list[DatedMention]:
    """Date every mention of ``doc``: one DatedMention per mention, in order.

    Parameters
    ----------
    doc : Document
        The article; ``doc.published`` anchors relative expressions.
    mentions : sequence of Mention
        Place mentions with offsets into ``doc.text``.
    cfg : TemporalSettings
        ``window_days``: dates older than this before publication are
        background; ``on_undated``: ``"null"`` keeps undated mentions with
        empty dates, ``"drop"`` leaves them out (background mentions are kept).

    Returns
    -------
    list of DatedMention
        ``dates`` holds one or more :class:`~geomap.records.TimeRef` (two for
        an overnight event, a start and an end for a range), or nothing.

    Notes
    -----
    Each mention takes the nearest time expression of its clause; a
    sentence without one takes the date carried from earlier in its
    paragraph, else the publication date, unless it reads as background
    recap or follows such a sentence in its paragraph. The module docstring
    lists the readings of ranges, nights and year-less dates.

    Examples
    --------
    >>> from geomap.records import Place
    >>> text = "In 2011 oil workers struck in Zhanaozen."
    >>> doc = Document("d.txt", text, published=date(2022, 1, 5))
    >>> m = Mention("d.txt", "Zhanaozen", 29, 38, Place("geonames:1", "X", 0.0, 0.0, "city", "KZ"))
    >>> date_mentions(doc, [m], TemporalSettings())[0].background
    True
    """
    if not mentions:
        return []
    wanted: dict[int, list[tuple[int, int, int]]] = {}
    sents = sentences(doc.text)
    sents_starts = [s.start for s in sents]
    for i, m in enumerate(mentions):
        index = bisect_right(sents_starts, m.start) - 1 if sents else -1
        if index < 0:
            continue
        sent = sents[index]
        start = min(max(m.start, sent.start), sent.end)
        end = min(max(m.end, start), sent.end)
        wanted.setdefault(index, []).append((i, start, end))
    out = _analyse(doc, cfg, sents, wanted) if wanted else {}
    result: list[DatedMention] = []
    for i, m in enumerate(mentions):
        if i in out:
            refs, background = out[i]
        else:
            refs = (TimeRef(doc.published, basis="publication"),) if doc.published is not None else ()
            background = False
        if len(refs) > 1:
            refs = _unique(refs)
        if not refs and not background and cfg.on_undated == "drop":
            continue
        result.append(DatedMention(m, refs, background))
    return result


def _unique(refs: tuple[TimeRef, ...]) -> tuple[TimeRef, ...]:
    """Keep the first TimeRef of each day ("overnight" and the publication date may both give it)."""
    seen: set[date] = set()
    kept = []
    for r in refs:
        if r.date not in seen:
            seen.add(r.date)
            kept.append(r)
    return tuple(kept)
