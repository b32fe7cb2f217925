"""Events: tell the places where unrest happened from the places merely named.

A mention is an event place when its clause reports an unrest event there
(English and Russian cues), and context when the place is foreign to the
story, locates another place, is compared, is a border, an origin, or is the
country named without a nationwide measure. Event types follow ACLED's
taxonomy.

Examples
--------
>>> event_types_in("Police fired tear gas at protesters who set fire to the akimat.")
('arson', 'protest', 'security_response')
>>> acled_type(("protest", "security_response"))
('Protests', 'Protest with intervention')
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from datetime import date, timedelta
from functools import lru_cache

import ahocorasick

from geomap.config import EventsSettings
from geomap.records import DatedMention, Document, Event, Mention, Place, TimeRef

__all__ = ["acled_type", "extract_events", "event_types_in", "is_event_mention"]

# Each short type and the words that report it, English and Russian stems.
_CUES: dict[str, str] = {
    "protest": r"protest\w*|demonstrat\w*|spread(?:s|ing)? (?:to|across|into)|rall(?:y|ies|ied)|"
    r"took to the streets?|take to the streets?|"
    r"march(?:ed|es|ers)\b|sit-ins?|picket\w*|strik(?:e|es|ing|ers)\b|gather(?:ed|ing|ings)?\b|"
    r"crowds?\b|yurts|block(?:ed|ing|s)? (?:the |off )?(?:roads?|streets?|highways?|traffic)|"
    r"hunger strike|митинг\w*|протест\w*|акци\w+ протеста|демонстрант\w*|забастов\w*|бастую\w*|"
    r"вышли на (?:улиц|площад|акци)\w*|собрал\w*|пикет\w*",
    "riot": r"riot\w*|unrest|violen(?:t|ce)|storm(?:ed|ing|s)?\b|broke into|break into|rampag\w*|"
    r"chaos|attack(?:ed|s|ing)?\b|seiz(?:ed|e|ing)|occupied|knocked down|torn down|toppl\w*|"
    r"беспоряд\w*|погром\w*|штурм\w*|захват\w*|ворвал\w*|снесли",
    "clash": r"clash\w*|scuffl\w*|fought|fighting|killed|dead|died|deaths|injur(?:ed|ies)|wounded|casualties|"
    r"столкновени\w*|стычк\w*|погиб\w*|убит\w*|ранен\w*|пострадавш\w*",
    "arson": r"(?<!opened )(?<!open )(?<!returned )fires?\b|set fire|set on fire|ablaze|burn(?:ed|t|ing)\b|"
    r"torch\w*|in flames|arson|"
    r"подожг\w*|поджог\w*|горит|горел\w*|пожар\w*",
    "looting": r"loot\w*|ransack\w*|pillag\w*|мародер\w*|мародёр\w*|разграб\w*",
    "shooting": r"shots?\b|opened fire|open fire|fired (?:on|at|into|live|shots)|gunfire|gunshots?|shooting|"
    r"live (?:ammunition|rounds)|explosions?|"
    r"выстрел\w*|стрельб\w*|взрыв\w*",
    "security_response": r"tear gas|stun grenades?|flash[- ]?bang\w*|water cannons?|rubber bullets|"
    r"dispers(?:ed|e)|security forces|riot police|troops|soldiers|military|armou?red vehicles|"
    r"national guard|(?:counter|anti)-?terrorist operation|peacekeep\w*|"
    r"слезоточив\w*|светошумов\w*|водомет\w*|разогнал\w*|разгон\w*|силовик\w*|"
    r"контртеррористическ\w+ операци\w*|миротвор\w*",
    "emergency": r"state of emergency|emergency (?:regime|rule)|martial law|"
    r"чрезвычайн\w+ положени\w*|режим\w* чп|режим\w* чрезвычайн\w*",
    "curfew": r"curfews?|комендантск\w+ час\w*",
    "internet_shutdown": r"internet\b[^.]{0,60}?(?:off|shut|cut|block|outage|down|disrupt|unavailable)\w*|"
    r"(?:shut|cut|turned|switched)\w* (?:off|down) (?:the )?internet|social networks? (?:were |was )?blocked|"
    r"internet (?:power )?outages?|mobile (?:phone )?networks? (?:are |were )?cut|"
    r"отключ\w+ интернет\w*|интернет\w* отключ\w*",
    "arrest": r"arrest\w*|detain\w*|detention|задержа\w*|арест\w*",
}
_CUE_PATTERNS = {t: re.compile(rf"(?<!\w)(?:{p})", re.IGNORECASE) for t, p in _CUES.items()}
_MEASURES = frozenset({"emergency", "curfew", "internet_shutdown"})
# Foreign troops sent in (a CSTO-style deployment) are a nationwide measure too.
_DEPLOYMENT = re.compile(r"CSTO|ОДКБ|peacekeep\w*|миротвор\w*|troops (?:were |are )?(?:sent|deployed|arriv\w+)", re.I)
_NATIONWIDE = re.compile(
    r"nationwide|across the country|throughout the country|whole country|entire country|"
    r"the country(?:'s)?\b|по всей стране|в стране|всей стране|extended",
    re.I,
)
# The place is named for comparison, history, origin, border or as a speaker.
_CONTEXT_BEFORE = re.compile(
    r"(?:such as|like|including countries|border(?:s|ing)? with|shares? [\w,() -]{0,40}border with|"
    r"from|flights? (?:from|to)|arrived (?:from|in)|compared (?:with|to)|than in|"
    r"встреч\w* с|из)\s+(?:the\s+)?(?:[\w-]+\s+(?:and|и)\s+)?$",
    re.I,
)
_SPEAKER_AFTER = re.compile(
    r"^[\w\s,()'’-]{0,80}?\b(?:said|says|urged|called on|accused|considers|warned|appealed|"
    r"stated|condemned|expressed|sent|offered|заявил\w*|призвал\w*)\b",
    re.I,
)
# Diplomacy about the unrest happens elsewhere: "summoned the ambassador in London".
_DIPLOMACY = re.compile(
    r"embass\w*|ambassador\w*|consulat\w*|diplomat\w*|foreign ministry|summon\w*|посол\w*|посольств\w*", re.I
)
_LOCATIVE_BEFORE = re.compile(
    r"(?:\bin|\bat|\bnear|\bacross|\bthroughout|\bв|\bво|\bна|\bпод)\s+(?:the\s+)?(?:city|town|village|"
    r"capital|region|province|oblast|centre|center|center of|streets of|square in|города|городе)?\s*(?:of\s+)?$",
    re.I,
)


# The ASCII words a match of each "...$" pattern above ends with, before trailing spaces.
_CUE_ENDINGS: dict[re.Pattern[str], tuple[str, ...]] = {
    _CONTEXT_BEFORE: ("as", "like", "countries", "with", "from", "to", "in", "the", "and"),
    _LOCATIVE_BEFORE: (
        "in", "at", "near", "across", "throughout", "the", "city", "town", "village", "capital", "region",
        "province", "oblast", "centre", "center", "of",
    ),
}


def _ends_with_cue(pattern: re.Pattern[str], before: str) -> bool:
    """``pattern.search(before)`` for the end-anchored patterns of ``_CUE_ENDINGS``.

    An end-anchored search still tries every start position; on ASCII text
    the last word is checked first, and most words are none of the cue's.
    """
    if before.isascii() and not before.rstrip().lower().endswith(_CUE_ENDINGS[pattern]):
        return False
    return pattern.search(before) is not None


@lru_cache(maxsize=8192)
def event_types_in(sentence: str) -> tuple[str, ...]:
    """The short event types a sentence reports, sorted.

    Examples
    --------
    >>> event_types_in("A curfew was imposed and the internet was shut down.")
    ('curfew', 'internet_shutdown')
    >>> event_types_in("The minister met the ambassador.")
    ()
    """
    if _UNUSUAL_CASE.search(sentence) is None:
        # Each cue regex scans the whole sentence under IGNORECASE; most types have none of
        # their words in it, which plain substring tests on the lower-cased sentence tell at once.
        # One automaton pass finds which types have a start in the sentence at all.
        present = {t for _, types in _CUE_START_FINDER.iter(sentence.lower()) for t in types}
        return tuple(
            sorted(
                t for t, p in _CUE_PATTERNS.items()
                if (_CUE_STARTS[t] is None or t in present) and p.search(sentence)
            )
        )
    return tuple(sorted(t for t, p in _CUE_PATTERNS.items() if p.search(sentence)))


def _top_alternatives(pattern: str) -> list[str]:
    """Split a regex at its top-level ``|``."""
    alternatives, current, depth, i = [], [], 0, 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            current.append(pattern[i : i + 2])
            i += 2
            continue
        if ch == "[":
            j = i + 1
            while pattern[j] != "]":
                j += 2 if pattern[j] == "\\" else 1
            current.append(pattern[i : j + 1])
            i = j + 1
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            alternatives.append("".join(current))
            current = []
            i += 1
            continue
        current.append(ch)
        i += 1
    alternatives.append("".join(current))
    return alternatives


def _literal_start(alternative: str) -> str:
    """The literal characters every match of ``alternative`` begins with (lookbehinds skipped)."""
    while alternative.startswith(("(?<!", "(?<=")):
        depth, end = 0, 0
        while True:
            depth += (alternative[end] == "(") - (alternative[end] == ")")
            if depth == 0:
                break
            end += 1
        alternative = alternative[end + 1 :]
    literal: list[str] = []
    for ch in alternative:
        if ch in "?*{":  # the quantifier makes the previous character optional
            if literal:
                literal.pop()
            break
        if ch in "+\\([.|^$)":
            break
        literal.append(ch)
    return "".join(literal).lower()


def _cue_starts(pattern: str) -> tuple[str, ...] | None:
    """The lower-cased literal starts of a cue pattern's alternatives; None where one has none to test."""
    starts: list[str] = []
    for alternative in _top_alternatives(pattern):
        group = _LEADING_WORDS.match(alternative)
        if group:  # "(?:shut|cut)…": a match starts with one of the group's words
            starts += [word.lower() for word in group.group(1).split("|")]
        else:
            starts.append(_literal_start(alternative))
    return None if any(len(start) < 2 for start in starts) else tuple(starts)


_LEADING_WORDS = re.compile(r"\(\?:((?:[^\W\d_]|\|)+)\)(?![?*{])")  # not an optional group


_CUE_STARTS = {t: _cue_starts(p) for t, p in _CUES.items()}


def _start_finder() -> ahocorasick.Automaton:
    """Every literal start of :data:`_CUE_STARTS`, as a substring, with the types it starts."""
    types_of: dict[str, set[str]] = {}
    for t, starts in _CUE_STARTS.items():
        for start in starts or ():
            types_of.setdefault(start, set()).add(t)
    finder = ahocorasick.Automaton()
    for start, types in types_of.items():
        finder.add_word(start, tuple(sorted(types)))
    finder.make_automaton()
    return finder


_CUE_START_FINDER = _start_finder()
# The substring test stands in for re's IGNORECASE only where both fold case alike: ASCII,
# Latin-1 (but the micro sign, which re folds with Greek mu), Cyrillic and punctuation. Outside
# them re folds some characters with letters that str.lower() does not ("ſ" with "s", "İ"
# with "i", old Cyrillic glyph variants with "в", "д", "о", "с", "т").
_UNUSUAL_CASE = re.compile(r"[^\x00-\xb4\xb6-\xff\u0400-\u04ff\u2000-\u206f]")


def acled_type(types: Sequence[str]) -> tuple[str, str]:
    """ACLED ``(event_type, sub_event_type)`` for a set of short types.

    Examples
    --------
    >>> acled_type(("riot", "looting"))
    ('Riots', 'Violent demonstration')
    >>> acled_type(("emergency",))
    ('Strategic developments', 'Other')
    """
    kinds = set(types)
    if kinds & {"riot", "clash", "arson"} or ("looting" in kinds and "protest" in kinds):
        return "Riots", "Violent demonstration"
    if "protest" in kinds:
        if "shooting" in kinds:
            return "Protests", "Excessive force against protesters"
        if kinds & {"security_response", "arrest"}:
            return "Protests", "Protest with intervention"
        return "Protests", "Peaceful protest"
    if "looting" in kinds:
        return "Strategic developments", "Looting/property destruction"
    if "shooting" in kinds:
        return "Violence against civilians", "Attack"
    if "arrest" in kinds:
        return "Strategic developments", "Arrests"
    return "Strategic developments", "Other"


def is_event_mention(
    mention: Mention, text: str, focus: str | None, siblings: Sequence[Mention] = ()
) -> tuple[str, ...]:
    """The event types that make ``mention`` an event place, or ``()`` for context.

    ``siblings`` are the other mentions of the document, used to see whether
    a region only locates a city named just before it.
    """
    types = event_types_in(_clause_context(mention, text))
    if not types or (mention.method != "implicit" and _is_dateline(mention, text)):
        return ()
    place = mention.place
    before = text[max(mention.sentence_start, mention.start - 60) : mention.start]
    after = text[mention.end : min(mention.sentence_end, mention.end + 100)]
    if _ends_with_cue(_CONTEXT_BEFORE, before):
        return ()
    if place.kind == "country":
        return _country_types(mention, types, before, siblings)
    if focus and place.country != focus:
        # A foreign place is an event place only where the clause puts the event in it.
        if (
            not _ends_with_cue(_LOCATIVE_BEFORE, before)
            or _SPEAKER_AFTER.match(after)
            or _DIPLOMACY.search(mention.sentence)
        ):
            return ()
    if place.kind == "region" and _locates_a_city(mention, text, siblings):
        return ()
    if _SPEAKER_AFTER.match(after) and not _ends_with_cue(_LOCATIVE_BEFORE, before) and place.kind != "region":
        # "X said …": a speaker, unless the event words sit in the same clause as X.
        clause = re.split(r"\b(?:said|says|that)\b", after, maxsplit=1)[0]
        if not event_types_in(before + mention.surface + clause):
            return ()
    return types


def _clause_context(mention: Mention, text: str) -> str:
    """The sentence, or for a fragment of a few words ("Alma-Ata…") the sentences around it."""
    sentence = mention.sentence
    if len(sentence.split()) > 3:
        return sentence
    para_start = text.rfind("\n", 0, mention.sentence_start) + 1
    para_end = text.find("\n", mention.sentence_end)
    para_end = len(text) if para_end < 0 else para_end
    return text[max(para_start, mention.sentence_start - 200) : min(para_end, mention.sentence_end + 200)]


def _country_types(
    mention: Mention, types: tuple[str, ...], before: str, siblings: Sequence[Mention]
) -> tuple[str, ...]:
    measures = tuple(
        t for t in types if t in _MEASURES or (t == "security_response" and _DEPLOYMENT.search(mention.sentence))
    )
    if not measures:
        return ()
    sentence = mention.sentence
    if mention.method == "deictic" or _NATIONWIDE.search(sentence) or _DEPLOYMENT.search(sentence):
        return measures
    # Measures placed in named cities or regions are theirs, not the country's.
    local = [
        m for m in siblings
        if m.sentence_start == mention.sentence_start and m.place.kind not in ("country",) and m is not mention
    ]
    if local:
        return ()
    return measures if _ends_with_cue(_LOCATIVE_BEFORE, before) else ()


def _locates_a_city(region: Mention, text: str, siblings: Sequence[Mention]) -> bool:
    """"Zhanaozen in the Mangystau region": the region only says where the city just named is."""
    for m in siblings:
        if m is region or m.place.kind in ("region", "country") or m.sentence_start != region.sentence_start:
            continue
        if (
            m.end <= region.start
            and region.start - m.end <= 60
            and m.place.admin1_id is not None
            and m.place.admin1_id == region.place.admin1_id
            and not event_types_in(text[m.end : region.start])
        ):
            return True
    return False


def _is_dateline(mention: Mention, text: str) -> bool:
    """"ALMATY (AFP) –", "(UTV | Almaty, Kazakhstan) –": where the story was filed, not where it happened."""
    para_start = text.rfind("\n", 0, mention.start) + 1
    lead = text[para_start : mention.start]
    tail = text[mention.end : mention.end + 40]
    if len(lead) > 25 or not re.fullmatch(r"[\s(]*(?:[\w .]{1,15}\|\s*)?(?:[\w .-]+,\s*)?", lead):
        return False
    return bool(re.match(r"[\s,\w.]{0,20}(?:\([A-Z][\w ]{1,15}\)|\))?\s*[–—-]\s", tail)) and (
        mention.surface.isupper() or "(" in lead or "(" in tail[:25]
    )


def extract_events(doc: Document, dated: Sequence[DatedMention], cfg: EventsSettings) -> list[Event]:
    """One Event per (place, date) the document reports unrest at.

    Parameters
    ----------
    doc : Document
        The article (title, source, URL are copied onto each event).
    dated : sequence of DatedMention
        Mentions with their dates, from :func:`geomap.temporal.date_mentions`.
    cfg : EventsSettings
        ``min_score``: fuzzy mentions below it are never event places.

    Returns
    -------
    list of Event
        Sorted by place and date; undated events have ``date=None``.
    """
    mentions = [d.mention for d in dated]
    focus = _focus(mentions)
    by_place: dict[str, list[tuple[DatedMention, tuple[str, ...]]]] = {}
    places: dict[str, Place] = {}
    for d in dated:
        m = d.mention
        if m.score < cfg.min_score:
            continue
        types = is_event_mention(m, doc.text, focus, mentions)
        if types:
            by_place.setdefault(m.place.place_id, []).append((d, types))
            places[m.place.place_id] = m.place
    # A place named only through implicit mentions is not an event place.
    by_place = {
        pid: items for pid, items in by_place.items() if any(d.mention.method != "implicit" for d, _ in items)
    }
    events: list[Event] = []
    for pid, items in by_place.items():
        events.extend(_events_for_place(doc, places[pid], items))
    events.sort(key=lambda e: (e.place.name, e.date or date.min, e.place.place_id))
    return events


def _focus(mentions: Sequence[Mention]) -> str | None:
    for m in mentions:
        if m.focus:
            return m.focus
    countries = Counter(m.place.country for m in mentions if m.place.kind != "country")
    countries.update(m.place.country for m in mentions if m.place.kind == "country")
    return max(sorted(countries), key=lambda c: countries[c]) if countries else None


def _events_for_place(
    doc: Document, place: Place, items: list[tuple[DatedMention, tuple[str, ...]]]
) -> list[Event]:
    types = tuple(sorted({t for _, ts in items for t in ts}))
    evidence = tuple(dict.fromkeys(d.mention.sentence for d, _ in items))
    by_date: dict[date, TimeRef] = {}
    background = True
    for d, _ in items:
        if d.background:
            continue
        background = False
        for ref in d.dates:
            for day in _days_of(ref, doc.published):
                kept = by_date.get(day)
                if kept is None or _BASIS_RANK[ref.basis] < _BASIS_RANK[kept.basis]:
                    by_date[day] = ref
    event_type, sub_event_type = acled_type(types)
    common = dict(
        doc=doc.name, place=place, event_types=types, evidence=evidence, event_type=event_type,
        sub_event_type=sub_event_type, title=doc.title, source=doc.source, url=doc.url,
        mentions=len(items), background=background,
    )
    if not by_date:
        return [Event(date=None, **common)]
    return [
        Event(date=day, end_date=ref.end, date_precision=ref.precision, date_basis=ref.basis, **common)
        for day, ref in sorted(by_date.items())
    ]


_BASIS_RANK = {"explicit": 0, "relative": 1, "carried": 2, "publication": 3}
_SHORT_SPAN_DAYS = 2


def _days_of(ref: TimeRef, published: date | None) -> list[date]:
    """The days a date stands for: every day of a short past span ("4-5 January"), else its start.

    A long span ("from January 5 to 19", "since January 2") reports when
    something began or how long a measure runs, not unrest on every day.
    """
    if ref.end is None or ref.end <= ref.date:
        return [ref.date]
    span = (ref.end - ref.date).days
    if span > _SHORT_SPAN_DAYS or (published is not None and ref.end > published):
        return [ref.date]
    return [ref.date + timedelta(days=k) for k in range(span + 1)]
