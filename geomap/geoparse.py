"""Geoparse: find the place names in a document and resolve each to a place.

One pass of the gazetteer's automaton over the normalised text finds every
known name; capitalised tokens the automaton missed are tried against the
focus country's names with a fuzzy, transliteration-aware match. Homonyms are
resolved by the document's focus country, the name's kind (a city before a
region unless the text says region), population and nearness to the other
places in the text.

Examples
--------
>>> translit_key("Zanautzen"), translit_key("Zhanaozen")
('zanauzen', 'zanaozen')
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from geomap.config import GeoparseSettings
from geomap.errors import InputError
from geomap.gazetteer import Gazetteer
from geomap.records import Document, Mention, Place
from geomap.text import Sentence, normalize, sentences

__all__ = ["find_mentions", "focus_country", "translit_key"]


# Words after a name that make it a region ("Mangystau region", "Алматинской области").
_REGION_CUE = re.compile(
    r"^[\s,]*(?:regions?|oblasts?|oblys|provinces?|област\w*|облыс\w*|край|краю|districts?|rayons?|район\w*)\b",
    re.IGNORECASE,
)
_REGION_WORD = re.compile(r"\b(?:region|oblast|oblys|province|област|облыс|district|rayon|район)", re.I)
# Plural cue closing a list: "in Alma-Ata, Almaty and Mangistau regions".
_LIST_REGIONS = re.compile(
    r"^(?:[\s,]*(?:and|и|or)?\s*[A-ZА-ЯЁ][\w'’.-]+){0,8}?\s+(?:[Rr]egions|[Oo]blasts|[Pp]rovinces|областях|областей)\b"
)
_CITY_CUE_AFTER = re.compile(r"^[\s,]*(?:city|town|village|город\w*|посел\w*)\b", re.I)
_CITY_CUE_BEFORE = re.compile(r"(?:city|town|village|capital|города?|городе|село|поселке)\s+(?:of\s+)?$", re.I)
_PLACE_CUE_BEFORE = re.compile(
    r"(?:\b(?:in|at|near|from|across|around|outside|inside|в|во|из|на|под|около|города?|city of|town of|"
    r"village of|capital of|streets of)\s+(?:the\s+)?)$",
    re.IGNORECASE,
)
# "Atameken, a business lobby group, …": an appositive says the name is an organisation's.
_ORG_APPOSITIVE = re.compile(
    r"^,\s+(?:a|an|the)\s+(?:[\w-]+\s+){0,5}?(?:group|company|firm|agency|organi[sz]ation|party|movement|"
    r"channel|newspaper|website|portal|outlet|bank|association|lobby|union|network|broadcaster|station|"
    r"operator|producer|monitor|service)\b",
    re.IGNORECASE,
)
# Capitalised words that start clauses and never make a name with the next word.
_FUNCTION_WORDS = frozenset(
    """a an the in on at of to from by for with and or but as it its this that these those
    he she they we you i his her their our my is was were are be been has have had do does did
    not no yes so if then than when while where which who whom whose what why how after before
    since until during about over under between into onto upon also later earlier meanwhile
    however although though because yet still only even just all some many most more much
    several both each every other another such there here now today yesterday tonight
    mr mrs ms dr president minister police according said says reported report
    в во на из и а но с со к по от до за у о об при для что как это его ее их он она они
    """.split()
)
# Endings of Slavic, Kazakh and Armenian surnames ("Tokayev", "Temodnov", "Kuanyshuly").
_SURNAME_ENDINGS = ("ov", "ev", "ova", "eva", "yev", "yeva", "enko", "yan", "ian", "sky", "ski", "skaya", "ovich",
                    "evich", "uly", "kyzy")
_TITLE_BEFORE = re.compile(
    r"(?:president|minister|mr|mrs|ms|dr|chief|leader|mayor|governor|akim|general|colonel|"
    r"spokesman|spokeswoman|director|chairman|head|deputy|named|journalist|blogger|"
    r"президент|министр|аким|глава)\.?\s+$",
    re.I,
)
_DEICTIC = re.compile(
    r"\b(?:nationwide|across the country|throughout the country|all over the country|"
    r"the whole country|the entire country|the country(?:'s)?|по всей стране|в стране|всей страны)\b",
    re.I,
)
# Every phrase of _DEICTIC holds one of these words, at most _DEICTIC_LEAD characters into it
# ("throughout the country"), and starts with a character of _DEICTIC_FIRST (every character
# that its first letters n, a, t, п, в match case-insensitively, as re sees case).
# Spelled so that re scans for the first letters in C (what "nationwide|country|стран" with
# re.I finds: n, c and с with every character re folds them with).
_DEICTIC_HINT = re.compile(r"[nNcCсСᲃ](?:(?<=[nN])(?i:ationwide)|(?<=[cC])(?i:ountry)|(?<=[сСᲃ])(?i:тран))")
_DEICTIC_LEAD = 15
_DEICTIC_FIRST = frozenset("ANTantВПвпᲀ")
# A capital not preceded by a word character (the same as a leading \b); written with the
# capital first so that re scans for it in C instead of testing \b at every character.
_CAP_TOKEN = re.compile(r"[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ](?<!\w.)[\w'’]*(?:[-\s][A-ZА-ЯЁӘҒҚҢӨҰҮҺІ][\w'’]*)?")

_TRANSLIT = (
    ("dzh", "z"), ("zh", "z"), ("j", "z"), ("kh", "h"), ("q", "k"), ("sch", "s"), ("sh", "s"),
    ("ch", "c"), ("tz", "z"), ("ts", "c"), ("ck", "k"), ("y", "i"), ("w", "v"), ("ou", "u"),
    ("oe", "o"), ("ae", "a"), ("ue", "u"), ("ph", "f"), ("'", ""), (" ", ""),
)


@lru_cache(maxsize=65536)
def translit_key(name: str) -> str:
    """Fold transliteration variants (zh/j, kh/h, q/k, y/i, tz/z …) and doubled letters.

    Machine translation and competing romanisations garble the same name in
    these ways; comparing folded keys lets a fuzzy match see through them.

    Examples
    --------
    >>> translit_key("Dzhambul") == translit_key("Zhambul")
    True
    """
    key = normalize(name)
    for old, new in _TRANSLIT:
        key = key.replace(old, new)
    return re.sub(r"(.)\1+", r"\1", key)


@dataclass(slots=True)
class _Hit:
    start: int
    end: int
    key: str
    candidates: tuple[Place, ...]
    method: str
    score: float
    region_cue: bool = False
    city_cue: bool = False


def find_mentions(doc: Document, gazetteer: Gazetteer, cfg: GeoparseSettings) -> list[Mention]:
    """Every place mention in ``doc``, resolved, in text order.

    Parameters
    ----------
    doc : Document
        The article; offsets in the result point into ``doc.text``.
    gazetteer : Gazetteer
        Any object with the :class:`geomap.gazetteer.Gazetteer` interface.
    cfg : GeoparseSettings
        Fuzzy matching switch and threshold, focus country, unresolved policy.

    Returns
    -------
    list of Mention
        Sorted by ``start``; ``doc.text[m.start:m.end] == m.surface``.
    """
    text = doc.text
    if not text.strip():
        return []
    sents = sentences(text)
    # Each sentence is read on its own, so a sentence met before (wire copy repeats
    # across outlets; a corpus repeats its boilerplate) costs a cache lookup.
    found = [_names_in(s.text, gazetteer) for s in sents]
    focus = cfg.focus_country or focus_country([h[3] for names in found for h in names])
    country = gazetteer.country(focus) if focus else None
    ethnonym = normalize(country.name) if country is not None else ""
    threshold = cfg.fuzzy_threshold if cfg.fuzzy else None
    hits = [
        _Hit(s.start + start, s.start + end, *rest)
        for s in sents
        for start, end, *rest in _places_in(s.text, gazetteer, focus, ethnonym, threshold)
    ]
    resolved = _resolve(hits, text, focus)
    mentions = [_to_mention(doc, h, place, sents, focus) for h, place in resolved]
    if country is not None:
        mentions += _deictic_mentions(doc, text, mentions, country, sents)
    mentions += _implicit_mentions(doc, mentions, sents, focus)
    mentions.sort(key=lambda m: (m.start, m.end))
    if cfg.on_unresolved == "raise" and not mentions and text.strip():
        raise InputError(doc.path or doc.name, "no place name found (geoparse.on_unresolved = 'raise')")
    return mentions


def focus_country(candidate_sets: Sequence[Sequence[Place]]) -> str | None:
    """The country a text is about: the most named country, by its places.

    A name with one candidate counts fully for that candidate's country; an
    ambiguous name counts only through a country it shares with every reading.

    Examples
    --------
    >>> kz = Place("geonames:1", "Kazakhstan", 48.0, 68.0, "country", "KZ")
    >>> ru = Place("geonames:2", "Moscow", 55.7, 37.6, "city", "RU", population=10_000_000)
    >>> focus_country([[kz], [kz], [ru]])
    'KZ'
    """
    votes: Counter[str] = Counter()
    for cands in candidate_sets:
        countries = {p.country for p in cands}
        if len(countries) == 1:
            votes[next(iter(countries))] += 1.0
        elif cands:
            top = max(cands, key=lambda p: p.population)
            if top.population >= 100_000 and all(
                p is top or p.population * 20 < top.population for p in cands
            ):
                votes[top.country] += 0.5
    if not votes:
        return None
    return max(sorted(votes), key=lambda c: votes[c])


_SENTENCES_REMEMBERED = 8192


@lru_cache(maxsize=_SENTENCES_REMEMBERED)
def _names_in(sentence: str, gazetteer: Gazetteer) -> tuple[tuple, ...]:
    """Every known name in ``sentence``: (start, end, key, candidates, region_cue, city_cue)."""
    return tuple(
        (h.start, h.end, h.key, h.candidates, h.region_cue, h.city_cue)
        for h in _exact_hits(sentence, normalize(sentence), gazetteer)
    )


@lru_cache(maxsize=_SENTENCES_REMEMBERED)
def _places_in(
    sentence: str, gazetteer: Gazetteer, focus: str | None, ethnonym: str, fuzzy_threshold: float | None
) -> tuple[tuple, ...]:
    """The names in ``sentence`` that stand for places, as ``_Hit`` fields in order.

    Garbled names are guessed too, unless ``fuzzy_threshold`` is None.
    """
    found = [
        _Hit(start, end, key, cands, "exact", 1.0, region_cue, city_cue)
        for start, end, key, cands, region_cue, city_cue in _names_in(sentence, gazetteer)
    ]
    hits = [h for h in found if _plausible(h, sentence, focus) and not _is_ethnonym(h.key, ethnonym)]
    if fuzzy_threshold is not None and focus:
        # Tokens overlapping a known name, even one dropped above, are not garbled names.
        hits += _fuzzy_hits(sentence, found, gazetteer, focus, fuzzy_threshold, ethnonym)
        hits.sort(key=lambda h: h.start)
    return tuple((h.start, h.end, h.key, h.candidates, h.method, h.score, h.region_cue, h.city_cue) for h in hits)


def _exact_hits(text: str, norm: str, gazetteer: Gazetteer) -> list[_Hit]:
    # Most of what the automaton reports are lowercase common words ("police", "oral"): a
    # name in running text is capitalised, so the first letter decides before anything else.
    # A match skipped here never sets ``last_end``, so dropping it early changes nothing.
    raw = sorted(
        (m for m in gazetteer.scan(norm) if m[0] < m[1] and text[m[0]].isupper()),
        key=lambda m: (m[0], m[0] - m[1]),
    )
    hits: list[_Hit] = []
    last_end = -1
    for start, end, key in raw:
        if start < last_end:
            continue
        cands = gazetteer.candidates(key)
        if not cands:
            continue
        if gazetteer.is_common_word(key) and not _has_place_cue(text, start, end):
            continue
        hits.append(_Hit(start, end, key, cands, "exact", 1.0))
        last_end = end
    for h in hits:
        after = text[h.end : h.end + 40]
        h.region_cue = bool(
            _REGION_CUE.match(after) or _REGION_WORD.search(h.key) or (_may_list(after) and _LIST_REGIONS.match(after))
        )
        h.city_cue = bool(_CITY_CUE_AFTER.match(after) or _ends_with_cue(_CITY_CUE_BEFORE, text, h.start, 20))
    return hits


def _may_list(after: str) -> bool:
    """Whether ``after`` holds a plural word that _LIST_REGIONS ends with (it backtracks a lot to fail)."""
    return "egions" in after or "blasts" in after or "rovinces" in after or "област" in after


def _ends_with_cue(pattern: re.Pattern[str], text: str, start: int, reach: int) -> bool:
    r"""``pattern.search`` over the ``reach`` characters before ``start``, for the patterns of ``_CUE_ENDINGS``.

    Each such pattern ends in a cue word, then only spaces to the end. A search
    anchored at the end still tries every start position, so on ASCII text the
    last word is checked first: it must end with one of the cue's words.
    """
    window = text[max(0, start - reach) : start]
    if window.isascii():
        body = window.rstrip()
        if len(body) == len(window) or not body.lower().endswith(_CUE_ENDINGS[pattern]):
            return False
    return pattern.search(window) is not None


# The ASCII words a match of each "...\s+$" cue pattern can end with, before its trailing spaces.
_TITLE_WORDS = (
    "president", "minister", "mr", "mrs", "ms", "dr", "chief", "leader", "mayor", "governor", "akim", "general",
    "colonel", "spokesman", "spokeswoman", "director", "chairman", "head", "deputy", "named", "journalist", "blogger",
)
_CUE_ENDINGS: dict[re.Pattern[str], tuple[str, ...]] = {
    _CITY_CUE_BEFORE: ("city", "town", "village", "capital", "of"),
    _PLACE_CUE_BEFORE: ("in", "at", "near", "from", "across", "around", "outside", "inside", "of", "the"),
    _TITLE_BEFORE: _TITLE_WORDS + tuple(word + "." for word in _TITLE_WORDS),
}


def _has_place_cue(text: str, start: int, end: int) -> bool:
    after = text[end : end + 30]
    return bool(
        _ends_with_cue(_PLACE_CUE_BEFORE, text, start, 25) or _REGION_CUE.match(after) or _CITY_CUE_AFTER.match(after)
    )


def _plausible(hit: _Hit, text: str, focus: str | None) -> bool:
    """Drop names that are parts of people's or organisations' names, and foreign hamlets."""
    if _in_person_name(text, hit.start, hit.end) or _ORG_APPOSITIVE.match(text[hit.end : hit.end + 80]):
        return False
    if focus is None:
        return True
    major = [
        p for p in hit.candidates
        if p.country == focus or p.kind in ("country", "region") or p.population >= 100_000
    ]
    if major:
        hit.candidates = tuple(major)
        return True
    return _has_place_cue(text, hit.start, hit.end)


def _is_ethnonym(key: str, country_key: str) -> bool:
    """"Kazakh", "Uzbek": the people or language, named by the start of their country's name.

    GeoNames lists some of these as alternate names of towns; in news text
    they are adjectives ("Kazakh protesters"), never places.
    """
    stem = key.rstrip("s")
    return len(stem) >= 4 and stem != country_key and country_key.startswith(stem)


def _in_person_name(text: str, start: int, end: int) -> bool:
    """Part of a person's or organisation's name: "Nursultan Nazarbayev", "Sputnik Kazakhstan"."""
    nxt = _NEXT_WORD.match(text[end : end + 30]) if text[end : end + 1] in (" ", "\u00a0") else None
    if nxt and " " not in text[start:end].strip():
        word = nxt.group(1)
        if word.lower() not in _FUNCTION_WORDS and word.lower().endswith(_SURNAME_ENDINGS):
            return True
    if start <= 0 or not text[start - 1].isspace():
        return False  # both patterns below end in a space before the name
    window = text[max(0, start - 30) : start]
    prev = None
    if window.endswith(" "):
        words_before = window[:-1].split()
        # The word before must hold a capital: a lowercase one ("in", "of") rules it out at once.
        if words_before and not words_before[-1].islower():
            prev = _PREV_WORD.search(window)
    if prev and prev.group(1).lower() not in _FUNCTION_WORDS:
        if not _sentence_initial(text, start - len(prev.group(1)) - 1):
            return True
    return _ends_with_cue(_TITLE_BEFORE, text, start, 30)


_NEXT_WORD = re.compile(r"[ \u00a0]([A-ZА-ЯЁ][a-zа-яё]+)")
_PREV_WORD = re.compile(r"(?:^|[^\w'’.,;:!?()\[\]\n-])([A-ZА-ЯЁ][a-zа-яё]+) $")


def _fuzzy_hits(
    text: str, hits: list[_Hit], gazetteer: Gazetteer, focus: str, threshold: float, ethnonym: str = ""
) -> list[_Hit]:
    taken = bytearray(len(text) + 1)  # 1 where a known name already stands
    for h in hits:
        taken[h.start : h.end] = b"\x01" * (h.end - h.start)
    out: list[_Hit] = []
    for m in _CAP_TOKEN.finditer(text):
        start, end = m.start(), m.end()
        token = m.group()
        if len(token) < 5 or taken.find(1, start, end) >= 0:
            continue
        words = token.replace("-", " ").split()
        if words[0].lower() in _FUNCTION_WORDS:
            continue
        if normalize(words[-1]).endswith(_SURNAME_ENDINGS) or _ends_with_cue(_TITLE_BEFORE, text, start, 30):
            continue
        if "-" not in token and not _has_place_cue(text, start, end):
            # A garbled name is guessed only where the text says a place stands ("in the town
            # of X", "X region") or for a hyphenated name: capitalised words elsewhere are far
            # more often demonyms, titles and ordinary words ("British", "Chairman").
            continue
        best = _best_fuzzy(token, gazetteer, focus, threshold)
        if best is None or _is_ethnonym(normalize(token), ethnonym):
            continue
        place, score = best
        hit = _Hit(start, end, normalize(token), (place,), "fuzzy", score / 100.0)
        after = text[end : end + 40]
        hit.region_cue = bool(_REGION_CUE.match(after)) or place.kind == "region"
        out.append(hit)
        taken[start:end] = b"\x01" * (end - start)
    return out


def _best_fuzzy(token: str, gazetteer: Gazetteer, focus: str, threshold: float) -> tuple[Place, float] | None:
    key = translit_key(token)
    best: tuple[Place, float] | None = None
    for place, name, _ in gazetteer.fuzzy(token, country=focus, limit=10, threshold=max(50.0, threshold - 25)):
        other = translit_key(name)
        if not other or other[0] != key[0]:
            continue
        score = fuzz.ratio(key, other)
        if score < threshold:
            continue
        rank = (score, place.population)
        if best is None or rank > (best[1], best[0].population):
            best = (place, score)
    return best


def _sentence_initial(text: str, start: int) -> bool:
    before = text[max(0, start - 3) : start]
    return start == 0 or bool(_INITIAL.search(before))


_INITIAL = re.compile(r"(?:[.!?]\s+|\n\s*|^\s*)$")


def _resolve(hits: list[_Hit], text: str, focus: str | None) -> list[tuple[_Hit, Place]]:
    """Choose one candidate per hit; then revisit homonyms by nearness to the others."""
    # A name recurs through a text with the same candidates and cues, so it ranks the same:
    # rank each distinct reading once, and measure each candidate's nearness once.
    chosen: dict[tuple, Place] = {}
    near: dict[int, float] = {}

    def rank(h: _Hit, anchors: list[Place] | None) -> Place:
        key = (tuple(map(id, h.candidates)), h.region_cue, h.city_cue, anchors is None)
        place = chosen.get(key)
        if place is None:
            place = chosen[key] = _rank(h, focus, anchors, near)
        return place

    first = [(h, rank(h, None)) for h in hits]
    # Distances depend on coordinates only: a place named five times is one anchor.
    anchors = list({(p.lat, p.lon): p for h, p in first if len(h.candidates) == 1 and p.kind != "country"}.values())
    out = []
    for h, place in first:
        if len(h.candidates) > 1 and anchors:
            place = rank(h, anchors)
        out.append((h, place))
    return out


def _rank(
    hit: _Hit, focus: str | None, anchors: list[Place] | None, near_memo: dict[int, float] | None = None
) -> Place:
    memo: dict[int, float] = {} if near_memo is None else near_memo

    def nearest(p: Place) -> float:
        found = memo.get(id(p))
        if found is None:
            found = memo[id(p)] = min(p.distance_km(a) for a in anchors)
        return found

    def score(p: Place) -> float:
        s = math.log10(p.population + 10)
        if focus and p.country == focus:
            s += 3.0
        if p.kind == "country":
            s += 1.0
        if p.kind == "region":
            s += 4.0 if hit.region_cue else -4.0
        elif hit.region_cue and not hit.city_cue:
            s -= 2.0
        if anchors:
            s += 2.0 * max(0.0, 1.0 - nearest(p) / 1500.0)
        return s

    return max(hit.candidates, key=lambda p: (score(p), p.place_id))


def _sentence_of(sents: list[Sentence], offset: int) -> Sentence | None:
    lo, hi = 0, len(sents) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        s = sents[mid]
        if offset < s.start:
            hi = mid - 1
        elif offset >= s.end:
            lo = mid + 1
        else:
            return s
    return None


def _to_mention(doc: Document, hit: _Hit, place: Place, sents: list[Sentence], focus: str | None) -> Mention:
    s = _sentence_of(sents, hit.start)
    return Mention(
        doc=doc.name,
        surface=doc.text[hit.start : hit.end],
        start=hit.start,
        end=hit.end,
        place=place,
        candidates=hit.candidates,
        sentence=s.text if s else doc.text[hit.start : hit.end],
        sentence_start=s.start if s else hit.start,
        sentence_end=s.end if s else hit.end,
        paragraph=s.paragraph if s else 0,
        method=hit.method,
        score=hit.score,
        focus=focus,
    )


_IMPLICIT_REACH = 2


def _implicit_mentions(
    doc: Document, mentions: list[Mention], sents: list[Sentence], focus: str | None
) -> list[Mention]:
    """A sentence that names no place continues the place named just before it.

    "In Almaty the internet was cut. Shots rang out overnight." The second
    sentence happened in Almaty too. The chain runs at most two sentences,
    within a paragraph, and any sentence that names a place (the country
    included) restarts it. The events stage uses such mentions only to add
    dates and types to places that are event places on their own.
    """
    by_sentence: dict[int, list[Mention]] = {}
    for m in mentions:
        by_sentence.setdefault(m.sentence_start, []).append(m)
    out = []
    last: Mention | None = None
    reach = 0
    paragraph = -1
    for s in sents:
        if s.paragraph != paragraph:
            last, paragraph = None, s.paragraph
        named = by_sentence.get(s.start)
        if named:
            local = [m for m in named if m.place.kind != "country"]
            last = max(local, key=lambda m: m.start) if local else None
            reach = 0
            continue
        reach += 1
        if last is None or reach > _IMPLICIT_REACH:
            continue
        out.append(
            Mention(
                doc=doc.name, surface="", start=s.start, end=s.start, place=last.place, candidates=(last.place,),
                sentence=s.text, sentence_start=s.start, sentence_end=s.end, paragraph=s.paragraph,
                method="implicit", score=0.6, focus=focus,
            )
        )
    return out


def _deictic_mentions(
    doc: Document, text: str, mentions: list[Mention], country: Place, sents: list[Sentence]
) -> list[Mention]:
    """"nationwide", "the country": references to the focus country without its name."""
    named = {(m.sentence_start, m.place.place_id) for m in mentions}
    out = []
    for m in _deictic_matches(text):
        s = _sentence_of(sents, m.start())
        if s is None or (s.start, country.place_id) in named:
            continue
        hit = _Hit(m.start(), m.end(), normalize(m.group()), (country,), "deictic", 0.8)
        out.append(_to_mention(doc, hit, country, sents, country.country))
        named.add((s.start, country.place_id))
    return out


def _deictic_matches(text: str) -> list[re.Match[str]]:
    """What ``_DEICTIC.finditer(text)`` yields, trying the pattern only just before its key words.

    A full ``finditer`` tries the long alternation at every character; the
    key-word search is several times cheaper and most positions cannot start
    a phrase. Positions are tried in the same order as ``finditer`` would, and
    ``match`` at a position sees the real text around it, so the matches are
    the same.
    """
    out: list[re.Match[str]] = []
    pos = 0
    for hint in _DEICTIC_HINT.finditer(text):
        at = max(pos, hint.start() - _DEICTIC_LEAD)
        while at <= hint.start():
            m = _DEICTIC.match(text, at) if text[at] in _DEICTIC_FIRST else None
            if m is None:
                at += 1
            else:
                out.append(m)
                at = m.end()
        pos = max(pos, at)
    return out
