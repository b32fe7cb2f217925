r"""Text helpers shared by the parsing stages: normalisation and sentences.

:func:`normalize` maps each character to exactly one character, so an offset
in the normalised text is the same offset in the original: matching runs on
the normalised form, evidence is quoted from the original.

Examples
--------
>>> normalize("Жаңаөзен, Alma-Ata")
'жанаозен, alma ata'
>>> [s.text for s in sentences("Riots in Almaty. Calm in Aktau.\nNew day.")]
['Riots in Almaty.', 'Calm in Aktau.', 'New day.']
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["Sentence", "normalize", "normalize_name", "sentences"]

# Kazakh, Ukrainian and Belarusian letters fold to their nearest Russian
# letter, so that "Жаңаөзен" and "Жанаозен" are one key.
_FOLD = {
    "ё": "е", "ә": "а", "ғ": "г", "қ": "к", "ң": "н", "ө": "о", "ұ": "у",
    "ү": "у", "һ": "х", "і": "и", "ї": "и", "є": "е", "ў": "у", "ı": "i",
    "ʼ": "'", "’": "'", "‘": "'", "`": "'", "ʻ": "'", "´": "'",
    "-": " ", "‐": " ", "‑": " ", "–": " ", "—": " ", "_": " ",
    "\u00a0": " ", "\t": " ", "ß": "s", "ø": "o", "đ": "d", "ł": "l", "æ": "a", "œ": "o",
}


def _fold_char(ch: str) -> str:
    low = ch.lower()
    if len(low) != 1:
        low = ch
    if low in _FOLD:
        return _FOLD[low]
    if low.isascii():
        return low
    base = unicodedata.normalize("NFD", low)[0]
    return _FOLD.get(base, base)


class _FoldTable(dict):
    """``str.translate`` table that folds each code point on first sight, then remembers it."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = _fold_char(chr(code))
        return folded


_TABLE = _FoldTable()


def normalize(text: str) -> str:
    """Casefold, strip diacritics, fold Kazakh letters and hyphens; same length.

    Examples
    --------
    >>> normalize("Öskemen — Усть-Каменогорск")
    'oskemen   усть каменогорск'
    """
    if text.isascii():
        return text.lower().replace("-", " ").replace("_", " ").replace("`", "'").replace("\t", " ")
    if len(text) < 64:
        return text.translate(_TABLE)
    # str.translate looks every character of a non-ASCII text up one by one; news text is
    # mostly ASCII with a few quotes, dashes or words in another script. Fold the ASCII bytes
    # of the UTF-8 form at once (multi-byte sequences are all >= 0x80 and pass unchanged),
    # then translate only the runs of other characters.
    folded = text.encode("utf-8", "surrogatepass").translate(_ASCII_BYTES).decode("utf-8", "surrogatepass")
    return _NON_ASCII.sub(_fold_run, folded)


def _fold_run(run: re.Match[str]) -> str:
    return run.group().translate(_TABLE)


_ASCII_BYTES = bytes(
    ord(_fold_char(chr(b))) if b < 0x80 else b for b in range(256)
)
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def normalize_name(name: str) -> str:
    """Normalise a gazetteer name to a lookup key: :func:`normalize` plus single spaces.

    Examples
    --------
    >>> normalize_name("  Nur-Sultan ")
    'nur sultan'
    """
    return " ".join(normalize(name).split())


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of a text: its offsets and the paragraph it belongs to."""

    start: int
    end: int
    paragraph: int
    text: str


# A sentence ends at . ! ? or … followed by space and a capital, digit or quote;
# abbreviations such as "Jan." or "Mr." do not end one.
# (The first mark is spelled out, not "+": re then scans for it in C instead of trying every character.)
_END = re.compile(r"[.!?…][.!?…]*[\"'”»)\]]*(?=\s+[\"'“«(\[]?[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ0-9])")
_ABBREV = re.compile(
    r"(?:\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|Mr|Mrs|Ms|Dr|St|Gen|Col|"
    r"Lt|Sgt|Prof|Gov|Sen|Rep|No|vs|etc|approx|inc|Ltd|Co|U\.S|U\.N|ул|г|гг|т\.е|им)"
    r"|\b[A-ZА-Я])\.$"
)


def sentences(text: str) -> list[Sentence]:
    r"""Split ``text`` into sentences; each line break starts a new paragraph.

    Examples
    --------
    >>> [(s.start, s.end, s.paragraph) for s in sentences("A b. C d.\n\nE f.")]
    [(0, 4, 0), (5, 9, 0), (11, 15, 1)]
    """
    # Geoparse, temporal and events all split the same document: split it once.
    return list(_split(text))


@lru_cache(maxsize=32)
def _split(text: str) -> tuple[Sentence, ...]:
    out: list[Sentence] = []
    paragraph = -1
    for line in _LINE.finditer(text):
        chunk = line.group()
        if chunk.isspace():
            continue
        paragraph += 1
        base = line.start()
        cut = 0
        for end in _END.finditer(chunk):
            if _ABBREV.search(chunk[max(0, end.start() - 6) : end.start() + 1]):
                continue
            _add(out, text, base + cut, base + end.end(), paragraph)
            cut = end.end()
        _add(out, text, base + cut, base + len(chunk), paragraph)
    return tuple(out)


_LINE = re.compile(r"[^\n]+")


def _add(out: list[Sentence], text: str, start: int, end: int, paragraph: int) -> None:
    piece = text[start:end]
    body = piece.strip()
    if body:
        start += len(piece) - len(piece.lstrip())
        out.append(Sentence(start, start + len(body), paragraph, body))
