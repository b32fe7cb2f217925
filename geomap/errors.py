"""Typed errors: every failure a user can cause has a class and names its file.

Only :mod:`geomap.cli` catches these; it prints ``geomap: <file>: <reason>``
on one line and exits non-zero.
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "ConfigError",
    "GazetteerError",
    "GeocoderUnavailable",
    "GeomapError",
    "InputError",
    "OutputError",
]


class GeomapError(Exception):
    """Root of every error geomap raises on purpose."""

    def __init__(self, path: str | Path | None, reason: str) -> None:
        self.path = str(path) if path is not None else None
        self.reason = reason
        super().__init__(self.message)

    def __reduce__(self) -> tuple:
        # Exceptions unpickle as cls(*args); ours take (path, reason), so worker processes can send them back.
        return type(self), (self.path, self.reason)

    @property
    def message(self) -> str:
        """One line: ``<file>: <reason>``, or the reason alone."""
        return f"{self.path}: {self.reason}" if self.path else self.reason


class ConfigError(GeomapError, ValueError):
    """The configuration file, an environment variable or a flag is invalid."""


class InputError(GeomapError, ValueError):
    """An input document cannot be read or parsed."""


class GazetteerError(GeomapError):
    """The gazetteer data is missing, corrupt or cannot be built."""


class OutputError(GeomapError, OSError):
    """An output file or folder cannot be written."""


class GeocoderUnavailable(GeomapError, OSError):
    """The opt-in online geocoder failed or could not be reached."""
