"""Shared helpers for the delivery tests (pre-commit, workflows, docs)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def venv() -> Path:
    """The pinned virtualenv the suite runs in (`make test` runs pytest from .venv)."""
    prefix = Path(sys.prefix)
    assert (prefix / "bin" / "pre-commit").is_file(), f"{prefix} is not the project's pinned .venv"
    return prefix
