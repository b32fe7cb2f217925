"""Shared fixtures: the mini gazetteer (107 real GeoNames places) loads in milliseconds."""

from __future__ import annotations

from pathlib import Path

import pytest

from geomap.config import GazetteerSettings
from geomap.gazetteer import Gazetteer, load_gazetteer

MINI_GAZETTEER = Path(__file__).parent / "fixtures" / "gazetteer"


@pytest.fixture(scope="session")
def mini_gazetteer() -> Gazetteer:
    return load_gazetteer(GazetteerSettings(path=MINI_GAZETTEER, world=False))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--online", action="store_true", help="also run tests that reach the network")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # geomap is offline first: a test that needs the network runs only when asked for.
    if config.getoption("--online"):
        return
    skip = pytest.mark.skip(reason="reaches the network; run with --online")
    for item in items:
        if "online" in item.keywords:
            item.add_marker(skip)
