"""Fixtures of the policy-gate tests (tests/policies/test_gate_*.py); every name starts with `gate_`.

Gate runs are in-process (Checkov is imported once per session) and shared per session: each scenario
runs once, several test modules assert on its evidence folder.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from policies.gate.cli import main

GATE_REPO_ROOT = Path(__file__).resolve().parents[2]
GATE_FIXTURES = Path(__file__).resolve().parent / "fixtures_gate"
GATE_PACK = GATE_FIXTURES / "pack"
GATE_TERRAFORM = GATE_FIXTURES / "terraform"
GATE_EXCEPTIONS = GATE_FIXTURES / "exceptions"
GATE_PLAN = GATE_FIXTURES / "plan"


@dataclass(frozen=True)
class GateRun:
    exit_code: int
    stdout: str
    folder: Path | None

    @property
    def evidence(self) -> dict[str, Any]:
        assert self.folder is not None, self.stdout
        return json.loads((self.folder / "evidence.json").read_text(encoding="utf-8"))

    def results(self, **match: Any) -> list[dict[str, Any]]:
        return [
            result
            for result in self.evidence["results"]
            if all(result.get(key) == value for key, value in match.items())
        ]

    def problems(self, kind: str) -> list[dict[str, Any]]:
        return [problem for problem in self.evidence["problems"] if problem["kind"] == kind]


def run_gate(*arguments: str | Path, pack: bool = True) -> GateRun:
    """`python -m policies gate ...` in-process from the repository root; `pack` selects the fixture pack."""
    argv = ["gate", *(str(argument) for argument in arguments)]
    if pack:
        argv += ["--checks-dir", str(GATE_PACK / "checks"), "--mapping", str(GATE_PACK / "pci_mapping.yaml")]
    stdout = io.StringIO()
    previous = Path.cwd()
    os.chdir(GATE_REPO_ROOT)
    try:
        with contextlib.redirect_stdout(stdout):
            exit_code = main(argv)
    finally:
        os.chdir(previous)
    text = stdout.getvalue()
    folder = next(
        (
            Path(line.removeprefix("evidence: ").rstrip("/"))
            for line in text.splitlines()
            if line.startswith("evidence: ")
        ),
        None,
    )
    if folder is not None and not folder.is_absolute():
        folder = GATE_REPO_ROOT / folder
    return GateRun(exit_code, text, folder)


@pytest.fixture(scope="session")
def gate_run() -> Callable[..., GateRun]:
    return run_gate


@pytest.fixture(scope="session")
def gate_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("gate-reports")


@pytest.fixture(scope="session")
def gate_passing(gate_out: Path) -> GateRun:
    return run_gate(
        "--dir",
        GATE_TERRAFORM / "passing",
        "--out",
        gate_out,
        "--exceptions",
        GATE_EXCEPTIONS / "active.yaml",
    )


@pytest.fixture(scope="session")
def gate_passing_again(gate_out: Path, gate_passing: GateRun) -> GateRun:
    """terraform/passing again, after `gate_passing`, into the same --out (the determinism check)."""
    return run_gate(
        "--dir",
        GATE_TERRAFORM / "passing",
        "--out",
        gate_out,
        "--exceptions",
        GATE_EXCEPTIONS / "active.yaml",
    )


@pytest.fixture(scope="session")
def gate_failing(gate_out: Path) -> GateRun:
    return run_gate(
        "--dir", GATE_TERRAFORM / "failing", "--out", gate_out, "--exceptions", GATE_EXCEPTIONS / "none.yaml"
    )


@pytest.fixture(scope="session")
def gate_plan(gate_out: Path) -> GateRun:
    return run_gate(
        "--dir",
        GATE_PLAN / "terraform",
        "--plan",
        GATE_PLAN / "tfplan.json",
        "--out",
        gate_out,
        "--exceptions",
        GATE_EXCEPTIONS / "none.yaml",
    )


@pytest.fixture
def gate_passing_copy(tmp_path: Path) -> Path:
    """A private copy of terraform/passing to break in one way."""
    copy = tmp_path / "passing"
    shutil.copytree(GATE_TERRAFORM / "passing", copy)
    return copy
