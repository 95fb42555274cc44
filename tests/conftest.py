from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from qa import Library, Settings

REPO = Path(__file__).resolve().parent.parent
BUNDLED = REPO / "sources"
SHARED = REPO.parent / "shared"
PLEDGE = "kenya-pledges-600-more-officers-to-haiti.txt"
VISIT = "ruto-arrives-in-haiti-as-insecurity-deepens.txt"


@pytest.fixture
def sources_dir(tmp_path: Path) -> Path:
    """A private copy of the bundled articles, so tests never touch the repository's folder."""
    folder = tmp_path / "sources"
    folder.mkdir()
    for name in (PLEDGE, VISIT):
        shutil.copy2(BUNDLED / name, folder / name)
    return folder


@pytest.fixture
def library(sources_dir: Path) -> Library:
    return Library.open(sources_dir, Settings())
