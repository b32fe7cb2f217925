r"""Ingest: find the input files, read them safely, and split each header from its body.

Only this module touches input files. Every problem with one file becomes an
:class:`~geomap.errors.InputError` naming the file and the reason;
:func:`iter_documents` yields it as a value so a run can report it and go on.

Formats, chosen by extension (a ``.txt`` that starts like an HTML page is read as HTML):

* plain text (``.txt``, ``.md`` and anything else): the header is searched for in
  the first ``header_lines`` non-blank lines, up to the first body paragraph.
  It may be ``Key: value`` lines (``Title``, ``Source``, ``URL``, ``Published``...,
  or a ``---`` front-matter block), scraped-page lines (``Posted 5 января 2022,,
  10:42``; ``Modified``/``Updated`` lines are dropped, never used as the date),
  a line holding only a date (``Jan 5, 2022``, ``05.01.2022``, an ISO timestamp)
  and a headline, split as ``Headline | Site`` when it ends with a site name.
  Metadata lines leave the body; the headline stays in it, once.
* HTML (``.html``, ``.htm``): converted to text with :mod:`html.parser`
  (scripts, styles and navigation dropped, one line per block); ``og:title``,
  ``og:site_name``, ``article:published_time``, JSON-LD ``datePublished`` and
  ``<title>`` give the metadata.
* JSON (``.json``: one object, a list of objects or an object holding one),
  JSONL (``.jsonl``, ``.ndjson``) and CSV (``.csv``, ``.tsv``): one document per
  record, fields named by ``text_field``, ``title_field``, ``date_field``,
  ``source_field``, ``url_field`` and ``id_field``; JSONL and CSV are streamed.

The publication date, highest precedence first (``Document.published_basis``):
``override`` (``ingest.dates``, keyed by document or file name), ``sidecar``
(a file next to the input named ``<file>.date`` holding a date or ``unknown``,
or ``<file>.meta.json`` / ``<file>.meta.toml`` with ``published``, ``title``,
``source``, ``url`` keys; the first of these that exists is read), ``field``
(JSON/CSV) or ``meta`` (HTML), ``header``; otherwise (``ingest.infer_published``)
``url``, a date in the URL, or ``text``, the latest complete date the body
states; or ``unknown``.

Examples
--------
>>> doc = parse_document("Title: Riots in Aktau\nPublished: 2022-01-04\n\nCrowds met.", "a.txt",
...                      IngestSettings())
>>> doc.title, doc.published, doc.published_basis, doc.text
('Riots in Aktau', datetime.date(2022, 1, 4), 'header', 'Crowds met.')
"""

from __future__ import annotations

import codecs
import csv
import glob
import json
import os
import re
import stat
import tomllib
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from html.parser import HTMLParser
from itertools import chain
from pathlib import Path
from typing import Any

from geomap.config import IngestSettings
from geomap.dates import WEEKDAYS, find_full_date, find_full_dates, parse_date
from geomap.errors import ConfigError, InputError
from geomap.records import Document

__all__ = ["expand_inputs", "iter_documents", "parse_document", "read_documents"]

_SIDECAR_SUFFIXES = (".date", ".meta.json", ".meta.toml")
_KINDS = {
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".tsv": "csv",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
}
_GLOB_MAGIC = re.compile(r"[*?[]")
_SNIFF_BYTES = 8192
_STREAM_SAMPLE = 65536
_SCORE_CHARS = 8192  # enough words to tell one code page from another
_SIDECAR_MAX = 1_000_000
_UNKNOWN_DATES = frozenset({"unknown", "n/a", "na", "none", "null", "-", "?", "неизвестно", "нет"})

# Bytes that never occur in text: C0 controls other than tab, newlines, form
# feed and escape, and DEL.
_CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x1B), *range(0x1C, 0x20), 0x7F])
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_C1_CHARS = re.compile(r"[\x80-\x9f]")
_LETTER_RUN = re.compile(r"[^\W\d_]+")
_HTML_START = re.compile(r"<(?:!doctype\s+html|html|head|body)\b", re.I)
_HTML_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)

# --- header vocabulary -------------------------------------------------------------------------

_KEY_KINDS: dict[str, str] = {}
for _kind, _names in {
    "title": "title|headline|заголовок",
    "source": "source|site|publisher|outlet|media|источник|издание|сми",
    "url": "url|link|source url|permalink|canonical|ссылка",
    "published": (
        "published|posted|date|publication date|date published|published on|published at|"
        "first published|pubdate|опубликовано|дата|дата публикации|жарияланды"
    ),
    "modified": (
        "modified|updated|last updated|last modified|edited|updated on|updated at|обновлено|изменено|дата изменения"
    ),
    "ignored": "author|authors|by|byline|tags|category|categories|section|language|lang|id|автор|keywords",
}.items():
    for _name in _names.split("|"):
        _KEY_KINDS[_name] = _kind

_KEY_ALTERNATION = "|".join(re.escape(k) for k in sorted(_KEY_KINDS, key=len, reverse=True))
_KEY_LINE = re.compile(rf"({_KEY_ALTERNATION})\s*:\s*(.*)", re.I)
_DATE_KEYS = "|".join(
    re.escape(key) for key in sorted(_KEY_KINDS, key=len, reverse=True) if _KEY_KINDS[key] in ("published", "modified")
)
# "Posted 5 января 2022,, 10:42": a date keyword, no colon, then the date.
_DATED_KEY_LINE = re.compile(rf"({_DATE_KEYS})\b[\s:,]*(?:(?:on|at)\s+)?(.*)", re.I)
# Front matter holds only key lines, list items and indented continuations.
_FRONT_MATTER_LINE = re.compile(r"[\w.-][\w .-]{0,39}:|-[ \t]|[ \t]")
_FRONT_MATTER_LINES = 60
_URL_LINE = re.compile(r"(?:https?://|www\.)\S+", re.I)
_BYLINE = re.compile(r"(?:by|автор|от)\s", re.I)
_BRACKET_NOTE = re.compile(r"\[([^\]]*)\]\s*(.*)", re.S)
_WEEKDAY_NAMES = "|".join(sorted(WEEKDAYS, key=len, reverse=True))
# What may stand next to the date on a dateline: times, zones, weekdays, punctuation.
# One token per step and a possessive loop: nested repeats would backtrack exponentially.
_DATELINE_REST = re.compile(
    r"(?:[\s,.;:|/()\[\]·•–—-]"
    r"|T?\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?"
    rf"|(?:{_WEEKDAY_NAMES})\b\.?"
    r"|(?:am|pm|a\.m\.|p\.m\.|at|on|в|г|года|utc|gmt|msk|almt|z)\b\.?"
    r"|(?:utc|gmt)?[+-]\d{1,2}(?::?\d{2})?"
    r")*+",
    re.I,
)
_DIGIT = re.compile(r"\d")
_BODY_SENTENCE_END = re.compile(r"[.…][\"'”»)]*$")
_TITLE_SEPARATOR = " | "

# --- HTML vocabulary ---------------------------------------------------------------------------

_BLOCK_TAGS = frozenset(
    "address article aside blockquote dd div dl dt figcaption figure footer h1 h2 h3 h4 h5 h6 "
    "header hr li main nav ol p pre section table tbody thead tr td th ul".split()
)
# Elements whose text is never article text (navigation, forms, embedded code).
_SKIP_TAGS = frozenset(
    "script style noscript template svg math iframe object canvas nav aside footer form button select textarea".split()
)
# A "<" with another "<" before any ">" opens no tag; html.parser rescans the
# rest of the page for each one, which is quadratic on pages full of them.
_STRAY_LT = re.compile(r"<(?=[^<>]*<)")
_BR = "\x01"  # stands for <br> until runs of them are counted
_BR_RUN = re.compile("\x01(?:[ \t\n]*\x01)+")
_META_DATE_KEYS = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "date",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "dc.date",
    "dc.date.issued",
    "dcterms.created",
    "dcterms.date",
    "parsely-pub-date",
    "sailthru.date",
    "article.published",
)
_JSONLD_MAX_NODES = 5000


@dataclass(slots=True)
class _Meta:
    """What one source of metadata (header, HTML meta, fields, sidecar) says."""

    title: str | None = None
    source: str | None = None
    url: str | None = None
    published: date | None = None
    unknown: bool = False  # the source says outright that the date is unknown


# === finding input files ========================================================================


def expand_inputs(inputs: Sequence[str | Path], cfg: IngestSettings) -> list[Path]:
    """List the files named by ``inputs``: files, folders (searched recursively) and globs.

    A folder yields every file inside whose extension is in ``cfg.extensions``,
    skipping hidden files and date sidecars (``*.date``, ``*.meta.json``,
    ``*.meta.toml``); a glob yields its matching files (folders it matches are
    searched like folders). The result is sorted and de-duplicated.

    Raises
    ------
    InputError
        A path that does not exist or cannot be read, a glob that matches
        nothing, or a folder holding no input file.

    Examples
    --------
    >>> expand_inputs(["no/such/folder"], IngestSettings())
    Traceback (most recent call last):
    ...
    geomap.errors.InputError: no/such/folder: no such file or directory
    """
    extensions = _extensions(cfg)
    chosen: dict[str, Path] = {}
    for item in inputs:
        text = os.fspath(item)
        path = Path(text)
        try:
            mode = os.stat(path).st_mode
        except (FileNotFoundError, NotADirectoryError):
            mode = None
        except OSError as err:
            raise InputError(path, _os_reason(err)) from err
        if mode is None:
            if not _GLOB_MAGIC.search(text):
                raise InputError(path, "no such file or directory")
            found = _glob(text, extensions)
            if not found:
                raise InputError(text, "no file matches this pattern")
        elif stat.S_ISDIR(mode):
            found = _walk(path, extensions)
            if not found:
                raise InputError(path, f"no input files ({' '.join(extensions)}) in this folder")
        elif stat.S_ISREG(mode):
            found = [path]
        else:
            raise InputError(path, "not a regular file")
        for file in found:
            chosen.setdefault(os.path.normcase(os.path.abspath(file)), file)
    return sorted(chosen.values())


def _extensions(cfg: IngestSettings) -> tuple[str, ...]:
    return tuple(sorted({e.lower() if e.startswith(".") else "." + e.lower() for e in cfg.extensions}))


def _is_sidecar(name: str) -> bool:
    return name.lower().endswith(_SIDECAR_SUFFIXES)


def _wanted(name: str, extensions: tuple[str, ...]) -> bool:
    return not name.startswith(".") and not _is_sidecar(name) and _suffix(name) in extensions


def _suffix(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot > 0 else ""


def _walk(folder: Path, extensions: tuple[str, ...]) -> list[Path]:
    def fail(err: OSError) -> None:
        raise InputError(err.filename or folder, _os_reason(err)) from err

    found: list[Path] = []
    for root, dirs, files in os.walk(folder, onerror=fail):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.extend(Path(root, name) for name in sorted(files) if _wanted(name, extensions))
    return found


def _glob(pattern: str, extensions: tuple[str, ...]) -> list[Path]:
    found: list[Path] = []
    for match in sorted(glob.glob(pattern, recursive=True)):
        path = Path(match)
        if path.is_dir():
            found.extend(_walk(path, extensions))
        elif path.is_file() and not _is_sidecar(path.name):
            found.append(path)
    return found


# === reading files ==============================================================================


def iter_documents(paths: Iterable[Path], cfg: IngestSettings) -> Iterator[Document | InputError]:
    """Read ``paths`` one file at a time; a file that cannot be read yields an InputError.

    JSONL and CSV files yield one document per record, streamed line by line;
    a bad record yields an InputError naming its line and the others still come
    through. Nothing is read before it is asked for.

    Raises
    ------
    ConfigError
        ``cfg.encodings`` names an encoding Python does not know.

    Examples
    --------
    >>> [str(e) for e in iter_documents([Path("missing.txt")], IngestSettings())]
    ['missing.txt: no such file or directory']
    """
    _check_encodings(cfg)
    listings: dict[str, frozenset[str]] = {}
    for item in paths:
        path = Path(item)
        try:
            yield from _read_path(path, cfg, listings)
        except InputError as err:
            yield err


def read_documents(paths: Iterable[Path], cfg: IngestSettings) -> list[Document]:
    """Every document in ``paths``, raising the first InputError met.

    Examples
    --------
    >>> read_documents([], IngestSettings())
    []
    """
    documents: list[Document] = []
    for item in iter_documents(paths, cfg):
        if isinstance(item, InputError):
            raise item
        documents.append(item)
    return documents


def _check_encodings(cfg: IngestSettings) -> None:
    for name in cfg.encodings:
        if not _is_text_codec(name):
            raise ConfigError(None, f"ingest.encodings: unknown text encoding '{name}'")


def _is_text_codec(name: str) -> bool:
    try:
        b"a".decode(name, "replace")  # codecs.lookup alone would accept base64 and zlib
    except LookupError:
        return False
    return True


def _read_path(path: Path, cfg: IngestSettings, listings: dict[str, frozenset[str]]) -> Iterator[Document]:
    kind = _KINDS.get(_suffix(path.name), "text")
    size = _regular_file_size(path)
    if kind == "jsonl":
        yield from _read_jsonl(path, size, cfg)
        return
    if kind == "csv":
        yield from _read_csv(path, size, cfg)
        return
    if size > cfg.max_bytes:
        raise InputError(path, _over_limit("file", size, cfg.max_bytes))
    raw = _read_bytes(path, cfg.max_bytes)
    if size == 0 or not raw.strip():
        raise InputError(path, "empty file")
    text, encoding = _decode(raw, path, cfg, html=kind == "html")
    sidecar = _sidecar(path, cfg, listings)
    if kind == "json":
        yield from _json_documents(text, path, encoding, cfg, sidecar)
        return
    layers: list[tuple[str, _Meta]] = []
    if kind == "html" or _looks_like_html(text):
        text, meta = _html_to_text(text, path)
        layers.append(("meta", meta))
        if not text:
            raise InputError(path, "no visible text in this HTML page")
    header, body = _parse_header(text, cfg.header_lines)
    if not body:
        raise InputError(path, "no article text after the header")
    if sidecar is not None:
        layers.append(("sidecar", sidecar))
    keys = (path.name, str(path))
    yield _compose(path.name, body, str(path), encoding, [("header", header), *layers], cfg, keys)


def _looks_like_html(text: str) -> bool:
    """Tell a saved web page from text: it opens with a doctype or html tag, maybe after comments."""
    head = text[:2000].lstrip()
    while head.startswith("<!--"):
        close = head.find("-->")
        if close < 0:
            return False
        head = head[close + 3 :].lstrip()
    return bool(_HTML_START.match(head))


def _regular_file_size(path: Path) -> int:
    try:
        info = os.stat(path)
    except OSError as err:
        raise InputError(path, _os_reason(err)) from err
    if stat.S_ISDIR(info.st_mode):
        raise InputError(path, "is a directory")
    if not stat.S_ISREG(info.st_mode):
        raise InputError(path, "not a regular file")
    return info.st_size


def _read_bytes(path: Path, limit: int) -> bytes:
    try:
        with open(path, "rb") as handle:
            raw = handle.read(limit + 1)
    except OSError as err:
        raise InputError(path, _os_reason(err)) from err
    if len(raw) > limit:  # the file grew since it was measured
        raise InputError(path, _over_limit("file", len(raw), limit))
    return raw


def _os_reason(err: OSError) -> str:
    if isinstance(err, FileNotFoundError | NotADirectoryError):
        return "no such file or directory"
    if isinstance(err, PermissionError):
        return "permission denied"
    if isinstance(err, IsADirectoryError):
        return "is a directory"
    return f"cannot read ({err.strerror or err})"


def _over_limit(what: str, size: int, limit: int) -> str:
    shown, cap = _size(size), _size(limit)
    if shown == cap:
        shown, cap = f"{size:,} bytes", f"{limit:,} bytes"
    return f"{what} is {shown}, over the {cap} limit (ingest.max_bytes)"


def _size(n: int) -> str:
    for unit, scale in (("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if n >= scale:
            value = n / scale
            return f"{value:.0f} {unit}" if value >= 10 else f"{value:.1f} {unit}"
    return f"{n} byte" if n == 1 else f"{n} bytes"


# === encodings ==================================================================================


def _decode(raw: bytes, path: Path, cfg: IngestSettings, *, html: bool = False) -> tuple[str, str]:
    """Decode a whole file: BOM, then UTF-8, then the most plausible fallback."""
    bom = _bom_encoding(raw)
    if bom is not None:
        try:
            text = raw.decode(bom)
        except UnicodeDecodeError as err:
            raise InputError(path, f"not valid {bom} despite its byte-order mark") from err
        if _looks_binary_text(text[:_SNIFF_BYTES]):
            raise InputError(path, "binary file, not text")
        if not text.strip():
            raise InputError(path, "empty file")
        return text, bom
    if _looks_binary(raw[:_SNIFF_BYTES]):
        raise InputError(path, "binary file, not text")
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as err:
        utf8_error = err
    if html:
        declared = _declared_charset(raw)
        if declared is not None:
            try:
                return raw.decode(declared), declared
            except UnicodeDecodeError:
                pass
    ranked = _rank_fallbacks(raw, cfg.encodings, final=True)
    if not ranked:
        raise InputError(path, _undecodable(cfg)) from utf8_error
    encoding, text = ranked[0]
    return text, encoding


def _bom_encoding(raw: bytes) -> str | None:
    if raw.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    # UTF-32 first: its little-endian BOM starts with UTF-16's.
    if raw.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)) and len(raw) % 4 == 0:
        return "utf-32"
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return None


def _looks_binary(sample: bytes) -> bool:
    if b"\x00" in sample:
        return True
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return controls * 20 > len(sample)  # more than 5 %: no text file looks like that


def _looks_binary_text(sample: str) -> bool:
    if "\x00" in sample:
        return True
    return len(_CONTROL_CHARS.findall(sample)) * 20 > len(sample)


def _declared_charset(raw: bytes) -> str | None:
    found = _HTML_CHARSET.search(raw[:4096])
    if not found:
        return None
    name = found[1].decode("ascii").lower()
    if not _is_text_codec(name) or codecs.lookup(name).name in ("utf-8", "utf-16", "utf-32"):
        return None
    return name


def _rank_fallbacks(sample: bytes, encodings: Sequence[str], *, final: bool) -> list[tuple[str, str]]:
    """Rank the fallbacks that decode ``sample``, most plausible first, with their text.

    A Russian text read as latin-1 gives words made only of accented letters
    ("Ïðîòåñò"); a French text read as cp1251 gives words mixing Latin and
    Cyrillic letters ("problиme"). Both count as implausible words.
    """
    scored: list[tuple[int, int, int, str, str]] = []
    for rank, encoding in enumerate(encodings):
        try:
            text = codecs.getincrementaldecoder(encoding)().decode(sample, final=final)
        except UnicodeDecodeError:
            continue
        scored.append((*_implausibility(text[:_SCORE_CHARS], _is_cyrillic_codec(encoding)), rank, encoding, text))
    scored.sort(key=lambda s: s[:3])
    return [(encoding, text) for *_, encoding, text in scored]


def _is_cyrillic_codec(encoding: str) -> bool:
    return "\u0400" <= b"\xe0".decode(encoding, "replace") <= "\u04ff"


def _implausibility(text: str, cyrillic_codec: bool) -> tuple[int, int]:
    """Score how wrong a decoding looks: implausible words, then a script-balance tie-breaker."""
    bad = len(_C1_CHARS.findall(text))
    ascii_letters = cyrillic = other = 0
    for word in _LETTER_RUN.findall(text):
        if word.isascii():
            ascii_letters += len(word)
            continue
        cyr = sum(1 for ch in word if "\u0400" <= ch <= "\u04ff")
        asc = sum(1 for ch in word if ch.isascii())
        rest = len(word) - cyr - asc
        ascii_letters += asc
        cyrillic += cyr
        other += rest
        if cyr and (asc or rest):
            bad += 1
        elif not cyr and not asc and len(word) >= 3:
            bad += 1
    # On a tie, a reading that is mostly non-ASCII letters should be Cyrillic,
    # one that is mostly ASCII letters should be Latin.
    mostly_foreign = cyrillic + other > ascii_letters
    # A Cyrillic code page that yields no Cyrillic letter has nothing in its favour.
    mismatch = int((cyrillic > other) != mostly_foreign or (cyrillic_codec and not cyrillic))
    return bad, mismatch


def _sniff_stream(path: Path, size: int, cfg: IngestSettings) -> str:
    """Choose the encoding to stream a record file with from its first 64 kB."""
    try:
        with open(path, "rb") as handle:
            sample = handle.read(_STREAM_SAMPLE)
    except OSError as err:
        raise InputError(path, _os_reason(err)) from err
    whole = len(sample) >= size
    if not sample.strip() and whole:
        raise InputError(path, "empty file")
    bom = _bom_encoding(sample)
    if bom is not None:
        return bom
    if _looks_binary(sample[:_SNIFF_BYTES]):
        raise InputError(path, "binary file, not text")
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=whole)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    ranked = _rank_fallbacks(sample, cfg.encodings, final=whole)
    if not ranked:
        raise InputError(path, _undecodable(cfg))
    return ranked[0][0]


def _undecodable(cfg: IngestSettings) -> str:
    return f"not text in any encoding tried ({', '.join(('utf-8', *cfg.encodings))})"


# === sidecars ===================================================================================


def _sidecar(path: Path, cfg: IngestSettings, listings: dict[str, frozenset[str]]) -> _Meta | None:
    if not cfg.sidecars:
        return None
    folder = path.parent
    key = str(folder)
    names = listings.get(key)
    if names is None:
        try:
            names = frozenset(os.listdir(folder))
        except OSError:
            names = frozenset()
        listings[key] = names
    for suffix in _SIDECAR_SUFFIXES:
        if path.name + suffix in names:
            return _read_sidecar(folder / (path.name + suffix), suffix)
    return None


def _read_sidecar(side: Path, suffix: str) -> _Meta:
    try:
        with open(side, "rb") as handle:
            raw = handle.read(_SIDECAR_MAX)
        text = raw.decode("utf-8-sig")
    except OSError as err:
        raise InputError(side, _os_reason(err)) from err
    except UnicodeDecodeError as err:
        raise InputError(side, "not UTF-8") from err
    if suffix == ".date":
        value = text.strip()
        if value.lower() in _UNKNOWN_DATES:
            return _Meta(unknown=True)
        published = parse_date(value)
        if published is None:
            raise InputError(side, "no date in this file (write e.g. 2022-01-05, or unknown)")
        return _Meta(published=published)
    try:
        data = json.loads(text) if suffix == ".meta.json" else tomllib.loads(text)
    except (ValueError, RecursionError) as err:
        raise InputError(side, f"not valid {'JSON' if suffix == '.meta.json' else 'TOML'} ({err})") from err
    if not isinstance(data, dict):
        raise InputError(side, "not a table of metadata (published, title, source, url)")
    meta = _Meta(
        title=_text_value(data.get("title")),
        source=_text_value(data.get("source")),
        url=_text_value(data.get("url")),
    )
    raw_date = data.get("published", data.get("date"))
    if raw_date is not None:
        if isinstance(raw_date, str) and raw_date.strip().lower() in _UNKNOWN_DATES:
            meta.unknown = True
        else:
            meta.published = _date_value(raw_date)
            if meta.published is None:
                raise InputError(side, f"'published' is not a date: {raw_date!r}")
    return meta


# === composing a document =======================================================================


def parse_document(raw: str, name: str, cfg: IngestSettings, *, path: str = "", encoding: str = "utf-8") -> Document:
    r"""Split an already decoded text into header (title, source, URL, date) and body.

    ``cfg.dates[name]`` (or ``cfg.dates[path]``) overrides the header's date.

    Raises
    ------
    InputError
        Nothing is left after the header.

    Examples
    --------
    >>> text = "Crowds rally in Aktau | Steppe Wire\nPublished 4 January 2022\n\nCrowds met."
    >>> doc = parse_document(text, "b.txt", IngestSettings())
    >>> doc.title, doc.source, str(doc.published)
    ('Crowds rally in Aktau', 'Steppe Wire', '2022-01-04')
    >>> doc.text
    'Crowds rally in Aktau\n\nCrowds met.'
    """
    header, body = _parse_header(raw, cfg.header_lines)
    if not body:
        raise InputError(path or name, "no article text after the header")
    keys = (name, path) if path else (name,)
    return _compose(name, body, path, encoding, [("header", header)], cfg, keys)


def _compose(
    name: str,
    body: str,
    path: str,
    encoding: str,
    layers: Sequence[tuple[str, _Meta]],
    cfg: IngestSettings,
    override_keys: tuple[str, ...],
) -> Document:
    """Merge metadata layers, lowest precedence first, then apply ``cfg.dates[override_keys]``.

    A record's override is looked up by its own name only, never its file's.
    """
    title = source = url = None
    published: date | None = None
    basis = "unknown"
    for layer_basis, meta in layers:
        title = meta.title or title
        source = meta.source or source
        url = meta.url or url
        if meta.published is not None:
            published, basis = meta.published, layer_basis
        elif meta.unknown:
            published, basis = None, layer_basis if layer_basis != "header" else "unknown"
    if cfg.dates:
        override = next((cfg.dates[k] for k in override_keys if k in cfg.dates), None)
        if override is not None:
            published, basis = override, "override"
    if published is None and cfg.infer_published and basis not in ("sidecar", "override"):
        published, basis = _inferred_date(url, body) or (None, basis)
    return Document(
        name=name,
        text=body,
        path=path,
        title=title,
        source=source,
        url=url,
        published=published,
        published_basis=basis,
        encoding=encoding,
    )


_URL_DATE = re.compile(r"/((?:19|20)\d\d)[/-](\d{1,2})[/-](\d{1,2})(?=[/-]|$)")


def _inferred_date(url: str | None, body: str) -> tuple[date, str] | None:
    """The publication date when no header gives one: from the URL, else the text.

    News URLs often carry the date (``/2022/01/08/``). An article is published
    no earlier than the latest full date it states (photo captions, tweet
    datelines), the best remaining anchor for "on Wednesday".
    """
    if url:
        found = _URL_DATE.search(url)
        if found:
            try:
                return date(int(found[1]), int(found[2]), int(found[3])), "url"
            except ValueError:
                pass
    stated = find_full_dates(body)
    if stated:
        return max(d for d, _, _ in stated), "text"
    return None


# === header parsing =============================================================================


def _parse_header(raw: str, limit: int) -> tuple[_Meta, str]:
    """Read the header lines at the top of ``raw``; return them and the body left.

    Only the top zone is searched: at most ``limit`` non-blank lines, ending
    before the first line that reads like a body paragraph, so a date deep in
    the body is never taken for the publication date.
    """
    text = raw.replace("\r\n", "\n").replace("\r", "\n") if "\r" in raw else raw
    if text.startswith("\ufeff"):
        text = text[1:]
    meta = _Meta()
    zone: list[str | None] = []  # the zone's lines; None where a line is removed
    changed = False
    field_date: date | None = None
    dateline: date | None = None
    explicit_unknown = False
    headline_at = -1
    kept_text: set[str] = set()
    short_lines = 0
    seen = 0
    pos, end_of_text = _front_matter(text, meta), len(text)
    if pos:
        changed = True
        field_date = meta.published
        explicit_unknown = meta.unknown
    while pos < end_of_text and seen < limit and len(zone) < 4 * limit + 8:
        newline = text.find("\n", pos)
        line_end = end_of_text if newline < 0 else newline
        line = text[pos:line_end]
        next_pos = end_of_text if newline < 0 else newline + 1
        stripped = line.strip()
        if not stripped:
            zone.append(line)
            pos = next_pos
            continue
        seen += 1
        kind, value = _classify(stripped)
        if kind == "body":
            break
        pos = next_pos
        if kind == "text":
            if stripped in kept_text:  # a headline printed twice is kept once
                zone.append(None)
                changed = True
                continue
            kept_text.add(stripped)
            zone.append(line)
            if headline_at < 0 and _is_headline(stripped):
                headline_at = len(zone) - 1
            short_lines += 1
            if short_lines >= 4:
                break
            continue
        zone.append(None)
        changed = True
        if kind == "title" and meta.title is None:
            meta.title = _clean_title(value)
        elif kind == "source" and meta.source is None:
            meta.source = value or None
        elif kind == "url" and meta.url is None:
            meta.url = value or None
        elif kind == "published" and field_date is None:
            field_date = parse_date(value)
            if field_date is None and value.strip(" .").lower() in _UNKNOWN_DATES:
                explicit_unknown = True
        elif kind == "dateline" and dateline is None:
            dateline = parse_date(value)
    rest = text[pos:]
    if field_date is not None:
        meta.published = field_date
    elif not explicit_unknown:
        meta.published = dateline
    meta.unknown = explicit_unknown and meta.published is None
    if headline_at >= 0 and (rest.strip() or any(z and z.strip() for z in zone[headline_at + 1 :])):
        headline = zone[headline_at]
        assert headline is not None
        title, site = _split_site(headline.strip())
        if site is not None:
            zone[headline_at] = title
            changed = True
            meta.source = meta.source or site
        if meta.title is None:
            meta.title = title.lstrip("#").strip() or None
    if not changed:
        return meta, text.strip()
    kept: list[str] = []
    blank = True  # drops leading blank lines and runs of blank lines left by removed ones
    for entry in zone:
        if entry is None:
            continue
        if entry.strip():
            kept.append(entry)
            blank = False
        elif not blank:
            kept.append("")
            blank = True
    head = "\n".join(kept)
    body = f"{head}\n{rest}" if head and rest else head or rest
    return meta, body.strip()


def _front_matter(text: str, meta: _Meta) -> int:
    """Read a ``---`` fenced block of ``key: value`` lines at the very top into ``meta``.

    Returns where the text after the block starts (0 when there is none).
    """
    if not text.startswith("---"):
        return 0
    pos = text.find("\n") + 1
    if not pos or text[:pos].strip() != "---":
        return 0
    block: list[str] = []
    while len(block) <= _FRONT_MATTER_LINES:
        end = text.find("\n", pos)
        line = text[pos:] if end < 0 else text[pos:end]
        pos = len(text) if end < 0 else end + 1
        if line.strip() == "---":
            break
        if end < 0 or (line.strip() and not _FRONT_MATTER_LINE.match(line)):
            return 0
        block.append(line)
    else:
        return 0
    for line in block:
        kind, value = _classify(line.strip()) if ":" in line else ("ignored", "")
        if kind == "title":
            meta.title = meta.title or _clean_title(value)
        elif kind == "source":
            meta.source = meta.source or value or None
        elif kind == "url":
            meta.url = meta.url or value or None
        elif kind == "published" and meta.published is None:
            meta.published = parse_date(value)
            meta.unknown = meta.published is None and value.strip(" .").lower() in _UNKNOWN_DATES
    return pos


def _classify(line: str) -> tuple[str, str]:
    """Tell what a non-blank top line is: a header field, a dateline, short text or body."""
    if ":" in line[:42]:
        found = _KEY_LINE.fullmatch(line)
        if found:
            key = " ".join(found[1].lower().split())
            return _KEY_KINDS[key], found[2].strip().strip("\"'")
    if len(line) <= 120 and line[0].isalpha():
        found = _DATED_KEY_LINE.fullmatch(line)
        if found and found[2]:
            when = find_full_date(found[2])
            if when is not None and when[1] <= 3:
                kind = _KEY_KINDS[" ".join(found[1].lower().split())]
                return kind, found[2]
    if len(line) <= 80 and _DIGIT.search(line):
        when = find_full_date(line)
        if when is not None and _DATELINE_REST.fullmatch(line[: when[1]] + " " + line[when[2] :]):
            return "dateline", line
    if _URL_LINE.fullmatch(line):
        return "url", line
    words = line.count(" ") + 1
    if len(line) > 250 or words > 30 or (words >= 8 and _BODY_SENTENCE_END.search(line)):
        return "body", ""
    return "text", ""


def _is_headline(line: str) -> bool:
    return len(line) >= 3 and line[-1] not in ".,;:" and not _BYLINE.match(line) and any(ch.isalpha() for ch in line)


def _split_site(line: str) -> tuple[str, str | None]:
    """``"Headline | Site"`` -> ``("Headline", "Site")`` when the last part is short."""
    if _TITLE_SEPARATOR not in line:
        return line, None
    parts = [part.strip() for part in line.split(_TITLE_SEPARATOR)]
    site = parts[-1]
    if not parts[0] or not site or len(site) > 60 or site.count(" ") >= 6:
        return line, None
    return parts[0], site


def _clean_title(value: str) -> str | None:
    """Drop an annotator's bracketed note; a title that is only a note keeps its words."""
    value = " ".join(value.split())
    found = _BRACKET_NOTE.fullmatch(value)
    if found:
        value = found[2].strip() or found[1].strip()
    return value or None


# === HTML =======================================================================================


class _HTMLText(HTMLParser):
    """Collects a page's visible text (one line per block) and its metadata."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.article_parts: list[str] = []
        self.articles = 0
        self.article_depth = 0
        self.skip = 0
        self.meta: dict[str, str] = {}
        self.canonical: str | None = None
        self.page_title: str | None = None
        self.jsonld: list[str] = []
        self._title: list[str] | None = None
        self._script: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "meta":
            key = (a.get("property") or a.get("name") or a.get("itemprop") or "").strip().lower()
            content = a.get("content", "").strip()
            if key and content:
                self.meta.setdefault(key, content)
            return
        if a.get("itemprop", "").lower() == "datepublished":
            when = a.get("datetime") or a.get("content")
            if when:
                self.meta.setdefault("datepublished", when)
        if tag == "link" and "canonical" in a.get("rel", "").lower().split():
            self.canonical = self.canonical or a.get("href") or None
        elif tag == "script" and "ld+json" in a.get("type", "").lower():
            self._script = []
        elif tag == "title" and self.page_title is None and not self.skip:
            self._title = []
        elif tag == "article":
            self.articles += 1
            self.article_depth += 1
        if tag in _SKIP_TAGS:
            self.skip += 1
        if tag in _BLOCK_TAGS:
            self._add("\n")
        elif tag == "br":
            self._add(_BR)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS and self.skip:
            self.skip -= 1
        if tag == "script" and self._script is not None:
            self.jsonld.append("".join(self._script))
            self._script = None
        elif tag == "title" and self._title is not None:
            self.page_title = " ".join("".join(self._title).split())
            self._title = None
        elif tag == "article" and self.article_depth:
            self.article_depth -= 1
        if tag in _BLOCK_TAGS:
            self._add("\n")

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script.append(data)
        elif self._title is not None:
            self._title.append(data)
        elif not self.skip:
            self._add(" ".join(data.replace(_BR, " ").split()) if data.strip() else " ")

    def _add(self, chunk: str) -> None:
        self.parts.append(chunk)
        if self.article_depth:
            self.article_parts.append(chunk)


def _html_to_text(page: str, path: Path) -> tuple[str, _Meta]:
    parser = _HTMLText()
    try:
        parser.feed(_STRAY_LT.sub("&lt;", _drop_declarations(page)))
        parser.close()
    except AssertionError as err:  # html.parser's way of refusing some broken markup
        raise InputError(path, f"malformed HTML ({err})") from err
    # One <article> holding much of the page is the story; several are
    # usually a list of teasers, and a small one a sidebar.
    parts = parser.parts
    if parser.articles == 1:
        story = sum(len(p) for p in parser.article_parts)
        if story * 3 >= sum(len(p) for p in parser.parts):
            parts = parser.article_parts
    # Two <br> in a row end a paragraph; one is only a line wrap inside it.
    joined = _BR_RUN.sub("\n", "".join(parts)).replace(_BR, " ")
    lines = (" ".join(line.split()) for line in joined.split("\n"))
    text = "\n".join(line for line in lines if line)
    return text, _html_meta(parser)


def _drop_declarations(page: str) -> str:
    """Remove comments, CDATA and other ``<!...>`` sections in one pass.

    html.parser rescans the rest of the page for every unclosed one, which
    is quadratic; an unclosed one here hides the rest of the page, as in a browser.
    """
    if "<!" not in page:
        return page
    out: list[str] = []
    pos = 0
    while (start := page.find("<!", pos)) >= 0:
        out.append(page[pos:start])
        if page.startswith("<!--", start):
            close, width = page.find("-->", start + 4), 3
        elif page.startswith("<![", start):
            close, width = page.find("]>", start + 3), 2
        else:
            close, width = page.find(">", start + 2), 1
        if close < 0:
            return "".join(out)
        out.append(" ")
        pos = close + width
    out.append(page[pos:])
    return "".join(out)


def _html_meta(parser: _HTMLText) -> _Meta:
    tags = parser.meta
    linked = _jsonld_fields(parser.jsonld)
    site = tags.get("og:site_name") or linked.get("publisher")
    title = tags.get("og:title") or tags.get("twitter:title") or linked.get("headline")
    if not title and parser.page_title:
        title, suffix = _split_page_title(parser.page_title, site)
        site = site or suffix
    published = None
    for candidate in (tags.get("article:published_time"), linked.get("datePublished")) + tuple(
        tags.get(key) for key in _META_DATE_KEYS[1:]
    ):
        if candidate and (published := parse_date(candidate)) is not None:
            break
    return _Meta(
        title=" ".join(title.split()) if title else None,
        source=site or None,
        url=tags.get("og:url") or parser.canonical or linked.get("url"),
        published=published,
    )


def _split_page_title(page_title: str, site: str | None) -> tuple[str, str | None]:
    for separator in (" | ", " - ", " – ", " — "):
        head, found, tail = page_title.rpartition(separator)
        if not found or not head.strip():
            continue
        tail = tail.strip()
        if (site and tail.lower() == site.lower()) or (separator == " | " and tail.count(" ") < 6):
            return head.strip(), tail
    return page_title, None


def _jsonld_fields(blocks: list[str]) -> dict[str, str]:
    """Find the first headline, datePublished, publisher name and url in JSON-LD blocks."""
    fields: dict[str, str] = {}
    for block in blocks:
        try:
            stack: deque[Any] = deque([json.loads(block)])
        except (ValueError, RecursionError):
            continue
        visited = 0
        while stack and visited < _JSONLD_MAX_NODES:
            node = stack.popleft()
            visited += 1
            if isinstance(node, list):
                stack.extend(node)
                continue
            if not isinstance(node, dict):
                continue
            for key in ("headline", "datePublished", "url"):
                value = node.get(key)
                if isinstance(value, str) and value.strip():
                    fields.setdefault(key, value.strip())
            publisher = node.get("publisher")
            if isinstance(publisher, list) and publisher:
                publisher = publisher[0]
            if isinstance(publisher, dict):
                publisher = publisher.get("name")
            if isinstance(publisher, str) and publisher.strip():
                fields.setdefault("publisher", publisher.strip())
            stack.extend(v for v in node.values() if isinstance(v, dict | list))
    return fields


# === records: JSON, JSONL, CSV ==================================================================


def _json_documents(
    text: str, path: Path, encoding: str, cfg: IngestSettings, sidecar: _Meta | None
) -> Iterator[Document | InputError]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        if err.msg == "Extra data":  # really JSON Lines under a .json name
            for lineno, line in enumerate(text.splitlines(), start=1):
                found = _jsonl_line(line, lineno, path, encoding, cfg)
                if found is not None:
                    yield found
            return
        reason = f"not valid JSON ({_json_problem(err)}, line {err.lineno})"
        raise InputError(path, reason) from err
    except (ValueError, RecursionError) as err:
        raise InputError(path, f"not valid JSON ({err})") from err
    if isinstance(data, dict) and _get_field(data, cfg.text_field) is not None:
        layers = [("sidecar", sidecar)] if sidecar is not None else []
        yield _record_document(data, "", path.name, path, encoding, cfg, layers)
        return
    records = data if isinstance(data, list) else _record_list(data)
    if records is None:
        raise InputError(path, f"no '{cfg.text_field}' field and no list of records in this JSON")
    for index, record in enumerate(records, start=1):
        where = f"record {index}"
        if not isinstance(record, dict):
            yield InputError(path, f"{where}: not a JSON object")
            continue
        try:
            yield _record_document(record, where, f"{path.name}#{index}", path, encoding, cfg)
        except InputError as err:
            yield err


def _json_problem(err: json.JSONDecodeError) -> str:
    return f"{err.msg.removesuffix(' at')} at column {err.colno}"


def _record_list(data: Any) -> list[Any] | None:
    if not isinstance(data, dict):
        return None
    for value in data.values():
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            return value
    return None


def _read_jsonl(path: Path, size: int, cfg: IngestSettings) -> Iterator[Document | InputError]:
    encoding = _sniff_stream(path, size, cfg)
    limit = cfg.max_bytes
    lineno = records = 0
    try:
        with open(path, encoding=encoding, errors="surrogateescape", newline="") as handle:
            while line := handle.readline(limit + 1):
                lineno += 1
                if len(line) > limit:
                    while line and not line.endswith(("\n", "\r")):
                        line = handle.readline(_STREAM_SAMPLE)
                    records += 1
                    yield InputError(path, f"line {lineno}: {_record_over(limit)}")
                    continue
                found = _jsonl_line(line, lineno, path, encoding, cfg)
                if found is not None:
                    records += 1
                    yield found
    except OSError as err:
        raise InputError(path, _os_reason(err)) from err
    except UnicodeDecodeError as err:  # UTF-16/32 errors escape surrogateescape
        raise InputError(path, f"line {lineno + 1}: not valid {encoding}") from err
    if not records:
        raise InputError(path, "empty file")


def _record_over(limit: int) -> str:
    return f"record is over the {_size(limit)} limit (ingest.max_bytes)"


def _jsonl_line(line: str, lineno: int, path: Path, encoding: str, cfg: IngestSettings) -> Document | InputError | None:
    stripped = line.strip()
    if not stripped:
        return None
    if _SURROGATE.search(stripped):
        return InputError(path, f"line {lineno}: not valid {encoding}")
    try:
        record = json.loads(stripped)
    except json.JSONDecodeError as err:
        return InputError(path, f"line {lineno}: not valid JSON ({_json_problem(err)})")
    except (ValueError, RecursionError) as err:
        return InputError(path, f"line {lineno}: not valid JSON ({err})")
    if not isinstance(record, dict):
        return InputError(path, f"line {lineno}: not a JSON object")
    try:
        return _record_document(record, f"line {lineno}", f"{path.name}#{lineno}", path, encoding, cfg)
    except InputError as err:
        return err


class _RecordTooLong(Exception):
    """A CSV record grew past ``max_bytes`` before it ended."""


class _LineFeed:
    """Lines of a text file for :mod:`csv`, each bounded, counting what one record has used."""

    def __init__(self, handle: Any, limit: int) -> None:
        self.handle = handle
        self.limit = limit
        self.used = 0
        self.lines = 0

    def __iter__(self) -> _LineFeed:
        return self

    def __next__(self) -> str:
        line = self.handle.readline(self.limit + 1)
        if not line:
            raise StopIteration
        self.lines += 1
        self.used += len(line)
        if self.used > self.limit:
            raise _RecordTooLong
        return line


def _read_csv(path: Path, size: int, cfg: IngestSettings) -> Iterator[Document | InputError]:
    encoding = _sniff_stream(path, size, cfg)
    # csv's own cap (128 kB a field) is process-wide; ours is per record and
    # enforced by _LineFeed, so only ever raise csv's to match.
    if csv.field_size_limit() < cfg.max_bytes:
        csv.field_size_limit(cfg.max_bytes)
    feed: _LineFeed | None = None
    records = 0
    try:
        with open(path, encoding=encoding, errors="surrogateescape", newline="") as handle:
            feed = _LineFeed(handle, cfg.max_bytes)
            try:
                first = next(feed)
            except StopIteration:
                raise InputError(path, "empty file") from None
            except _RecordTooLong:
                raise InputError(path, f"line 1: {_record_over(cfg.max_bytes)}") from None
            delimiter = "\t" if _suffix(path.name) == ".tsv" else _delimiter(first)
            reader = csv.reader(chain([first], feed), delimiter=delimiter)
            header = [cell.strip().lstrip("\ufeff") for cell in next(reader)]
            lowered = [cell.lower() for cell in header]
            if cfg.text_field.lower() not in lowered:
                shown = ", ".join(header[:12]) + (", ..." if len(header) > 12 else "")
                raise InputError(path, f"no '{cfg.text_field}' column (columns: {shown})")
            while True:
                start = reader.line_num + 1
                feed.used = 0
                try:
                    row = next(reader)
                except StopIteration:
                    break
                except _RecordTooLong:
                    yield InputError(path, f"line {start}: {_record_over(cfg.max_bytes)}")
                    return
                except csv.Error as err:
                    yield InputError(path, f"line {start}: not valid CSV ({err})")
                    return
                if not any(cell.strip() for cell in row):
                    continue
                if any(_SURROGATE.search(cell) for cell in row):
                    yield InputError(path, f"line {start}: not valid {encoding}")
                    continue
                records += 1
                record = dict(zip(lowered, row, strict=False))
                name = f"{path.name}#{start}"
                try:
                    yield _record_document(record, f"line {start}", name, path, encoding, cfg)
                except InputError as err:
                    yield err
    except OSError as err:
        raise InputError(path, _os_reason(err)) from err
    except csv.Error as err:
        raise InputError(path, f"line 1: not valid CSV ({err})") from err
    except UnicodeDecodeError as err:  # UTF-16/32 errors escape surrogateescape
        line = feed.lines + 1 if feed is not None else 1
        raise InputError(path, f"line {line}: not valid {encoding}") from err
    if not records:
        raise InputError(path, "no records after the header row")


def _delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _record_document(
    record: dict[str, Any],
    where: str,
    name: str,
    path: Path,
    encoding: str,
    cfg: IngestSettings,
    extra: Sequence[tuple[str, _Meta]] = (),
) -> Document:
    """One JSON/JSONL/CSV record as a Document; ``where`` names it in errors."""
    prefix = f"{where}: " if where else ""
    value = _get_field(record, cfg.text_field)
    if value is None:
        raise InputError(path, f"{prefix}no '{cfg.text_field}' field")
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        value = "\n\n".join(value)
    if not isinstance(value, str):
        raise InputError(path, f"{prefix}'{cfg.text_field}' is not text")
    if _SURROGATE.search(value):
        value = _SURROGATE.sub("\ufffd", value)
    header, body = _parse_header(value, cfg.header_lines)
    if not body:
        raise InputError(path, f"{prefix}empty '{cfg.text_field}'")
    ident = _get_field(record, cfg.id_field)
    if where and isinstance(ident, str | int) and not isinstance(ident, bool) and str(ident).strip():
        name = f"{path.name}#{str(ident).strip()}"
    fields = _Meta(
        title=_text_value(_get_field(record, cfg.title_field)),
        source=_text_value(_get_field(record, cfg.source_field)),
        url=_text_value(_get_field(record, cfg.url_field)),
        published=_date_value(_get_field(record, cfg.date_field)),
    )
    keys = (name,) if where else (name, str(path))
    layers = [("header", header), ("field", fields), *extra]
    return _compose(name, body, str(path), encoding, layers, cfg, keys)


def _get_field(record: dict[str, Any], field: str) -> Any:
    if field in record:
        return record[field]
    wanted = field.lower()
    for key, value in record.items():
        if isinstance(key, str) and key.strip().lower() == wanted:
            return value
    return None


def _text_value(value: Any) -> str | None:
    if isinstance(value, str):
        value = " ".join(_SURROGATE.sub("\ufffd", value).split())
        return value or None
    return None


def _date_value(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        return parse_date(value)
    return None
