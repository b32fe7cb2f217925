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
