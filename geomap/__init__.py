"""geomap: from news articles about unrest to maps and GIS data of where and when."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("geomap")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
