"""Inline every JavaScript and CSS file a folium map needs, so ``map.html`` opens with no network.

folium links its resources from CDNs (``default_js`` / ``default_css`` on each
element). The installed ``folium-offline`` package ships copies of those files,
keyed by CDN address; here each address is matched to a copy by file name and
written into the page. Nothing third-party is committed to this repository.

Resources geomap never uses (jQuery, Bootstrap, Font Awesome, glyphicons,
awesome-markers) are dropped rather than inlined: their CSS would pull web
fonts from the network, and dropping them keeps ``map.html`` small.

Examples
--------
>>> resource_text("https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js").lstrip()[:9]
'/* @prese'
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from urllib.parse import urlparse

from branca.element import Element, Figure
from folium.elements import JSCSSMixin

from geomap.errors import OutputError

__all__ = ["UNUSED_RESOURCES", "assert_offline", "inline_assets", "resource_text"]

UNUSED_RESOURCES = frozenset({
    "jquery", "bootstrap", "bootstrap_css", "awesome_markers", "awesome_markers_css",
    "awesome_markers_font_css", "glyphicons_css", "awesome_rotate_css",
})  # fmt: skip
"""folium resource names geomap's maps do not need (CircleMarkers only, no icons, no jQuery popups)."""

_REMOTE = re.compile(r"""<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.I)
_CSS_URL = re.compile(r"url\(\s*['\"]?(?!data:|#)([^'\")]+)", re.I)


@cache
def _offline_copies() -> dict[str, str]:
    # The package keeps its copies in a module-level dict keyed by CDN address.
    from offlinefolium.elements import _res

    return dict(_res)


def _basename(url: str) -> str:
    return posixpath.basename(urlparse(url).path.rstrip("/"))


def resource_text(url: str) -> str:
    """Return the file folium would load from ``url``, as shipped by the installed folium-offline.

    The exact address is used when folium-offline has it; otherwise the file
    name must match exactly one copy (versions in the address may differ).

    Raises
    ------
    OutputError
        When no copy (or more than one different copy) matches.
    """
    copies = _offline_copies()
    if url in copies:
        return copies[url]
    name = _basename(url)
    found = {text for key, text in copies.items() if _basename(key) == name}
    if len(found) != 1:
        try:
            installed = version("folium-offline")
        except PackageNotFoundError:
            installed = "not installed"
        problem = "no offline copy" if not found else f"{len(found)} different offline copies"
        raise OutputError("map.html", f"{problem} of {name} ({url}) in folium-offline {installed}")
    return found.pop()


def _walk(element: Element) -> Iterator[Element]:
    yield element
    for child in element._children.values():
        yield from _walk(child)


def _checked_css(name: str, text: str) -> str:
    remote = _CSS_URL.findall(text)
    if remote:
        raise OutputError("map.html", f"stylesheet {name} refers to files that are not inlined: {remote[:3]}")
    return text


def inline_assets(root: Figure) -> list[str]:
    """Put every resource of the elements under ``root`` into its header, inline; return their names.

    Each element's CDN lists are emptied so that rendering writes no links.
    Call it after the map is complete: elements added later bring their links back.
    """
    scripts: dict[str, str] = {}
    styles: dict[str, str] = {}
    for element in _walk(root):
        if not isinstance(element, JSCSSMixin):
            continue
        for name, url in element.default_js:
            if name not in UNUSED_RESOURCES:
                scripts.setdefault(name, url)
        for name, url in element.default_css:
            if name not in UNUSED_RESOURCES:
                styles.setdefault(name, url)
        element.default_js = []
        element.default_css = []
    for name, url in styles.items():
        text = _checked_css(name, resource_text(url))
        root.header.add_child(Element(f"<style>{text}</style>"), name=f"inline_css_{name}")
    for name, url in scripts.items():
        text = resource_text(url)
        if "</script" in text.lower():
            raise OutputError(
                "map.html", f"script {name} cannot be inlined: it contains a closing script tag"
            )
        root.header.add_child(Element(f"<script>{text}</script>"), name=f"inline_js_{name}")
    return [*styles, *scripts]


def assert_offline(html: str) -> None:
    """Raise when ``html`` still loads a script, stylesheet, image or frame over the network.

    Plain links (``<a href>``) in attribution text are fine: they load nothing.

    Examples
    --------
    >>> assert_offline('<a href="https://www.geonames.org/">GeoNames</a>')
    >>> assert_offline('<script src="https://cdn.example/x.js"></script>')
    Traceback (most recent call last):
    ...
    geomap.errors.OutputError: map.html: still loads a network resource: <script src="https://
    """
    found = _REMOTE.search(html)
    if found:
        raise OutputError("map.html", f"still loads a network resource: {found.group(0)}")
