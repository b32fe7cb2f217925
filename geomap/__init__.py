"""geomap: from news articles about unrest to maps and GIS data of where and when.

The public API is :func:`run` (everything) and :func:`extract` (the text
stages only), the stage functions and the record types they pass along:

>>> import geomap
>>> geomap.find_mentions.__module__, geomap.Event.__module__
('geomap.geoparse', 'geomap.records')

Names are imported on first use, so ``import geomap`` stays cheap and the
command line starts without loading the mapping libraries.
"""

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version
from typing import Any

try:
    __version__ = version("geomap")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"

# Public name -> the module that defines it, in pipeline order.
_EXPORTS = {
    "run": "geomap.pipeline",
    "extract": "geomap.pipeline",
    "RunResult": "geomap.pipeline",
    "Settings": "geomap.config",
    "read_documents": "geomap.ingest",
    "load_gazetteer": "geomap.gazetteer",
    "Gazetteer": "geomap.gazetteer",
    "find_mentions": "geomap.geoparse",
    "date_mentions": "geomap.temporal",
    "extract_events": "geomap.events",
    "aggregate": "geomap.aggregate",
    "write_outputs": "geomap.render",
    "Document": "geomap.records",
    "Place": "geomap.records",
    "Mention": "geomap.records",
    "TimeRef": "geomap.records",
    "DatedMention": "geomap.records",
    "Event": "geomap.records",
    "Aggregates": "geomap.records",
    "GeomapError": "geomap.errors",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'geomap' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value  # looked up once
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
