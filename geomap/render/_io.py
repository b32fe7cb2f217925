"""Atomic file writing: an output is either complete or absent, never half-written.

Examples
--------
>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> write_text(folder / "a.txt", "done").name
'a.txt'
>>> (folder / "a.txt").read_text()
'done'
>>> sorted(p.name for p in folder.iterdir())
['a.txt']
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from pathlib import Path

from geomap.errors import OutputError

__all__ = ["atomic_write", "staged", "write_bytes", "write_text"]

# GDAL may leave these next to a GeoPackage while it is open.
_SIDECARS = ("-journal", "-wal", "-shm")
# Inside `staged()`, finished temporaries wait here to replace their targets together.
_STAGE: ContextVar[list[tuple[Path, Path]] | None] = ContextVar("geomap_stage", default=None)


@contextmanager
def staged() -> Iterator[None]:
    """Make every :func:`atomic_write` in the block replace its target only when the whole block succeeds.

    A run that fails half-way then leaves the previous outputs as they were,
    all of them from the same run, and no temporary files.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = write_text(folder / "a.txt", "old")
    >>> try:
    ...     with staged():
    ...         _ = write_text(folder / "a.txt", "new")
    ...         raise RuntimeError("a later writer failed")
    ... except RuntimeError:
    ...     pass
    >>> (folder / "a.txt").read_text(), sorted(p.name for p in folder.iterdir())
    ('old', ['a.txt'])
    """
    pending: list[tuple[Path, Path]] = []
    token = _STAGE.set(pending)
    try:
        yield
        for tmp, target in pending:
            try:
                os.replace(tmp, target)
            except OSError as err:
                raise OutputError(target, f"cannot write ({err.strerror or err})") from err
    finally:
        _STAGE.reset(token)
        for tmp, _ in pending:
            with suppress(FileNotFoundError, NotADirectoryError):
                tmp.unlink()


@contextmanager
def atomic_write(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; move it onto ``path`` when the block succeeds.

    The temporary file lives in the same folder so that :func:`os.replace` is
    atomic. It does not exist yet when yielded (GDAL refuses to open an empty
    file as a GeoPackage), and it is removed whatever happens.

    Raises
    ------
    OutputError
        When the folder cannot be written, naming ``path``.

    Examples
    --------
    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "x.bin"
    >>> with atomic_write(target) as tmp:
    ...     _ = tmp.write_bytes(b"1")
    >>> target.read_bytes()
    b'1'
    """
    target = Path(path)
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp{target.suffix}")
    try:
        if not target.parent.is_dir():
            raise OutputError(target, f"folder {target.parent} does not exist or is not a folder")
        yield tmp
        if not tmp.exists():
            raise OutputError(target, "nothing was written")
        stage = _STAGE.get()
        if stage is None:
            os.replace(tmp, target)
        else:
            stage.append((tmp, target))
            tmp = tmp.with_name(tmp.name + ".staged")  # the stage owns the file now; nothing to remove
    except OutputError:
        raise
    except OSError as err:
        raise OutputError(target, f"cannot write ({err.strerror or err})") from err
    finally:
        for leftover in (tmp, *(tmp.with_name(tmp.name + s) for s in _SIDECARS)):
            with suppress(FileNotFoundError, NotADirectoryError):
                leftover.unlink()


def write_text(path: str | Path, text: str) -> Path:
    """Write ``text`` as UTF-8 (line ends untouched) atomically and return the path."""
    with atomic_write(path) as tmp:
        with open(tmp, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
    return Path(path)


def write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` atomically and return the path."""
    with atomic_write(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)
