"""Who/what/when of a run: UTC time, git commit and dirty flag, tool versions."""

from __future__ import annotations

import datetime as dt
import platform
import shutil
import subprocess  # git is run with fixed arguments, never a shell
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class GitState:
    commit: str | None
    short: str
    dirty: bool | None


@dataclass(frozen=True)
class RunMetadata:
    started_at: dt.datetime
    git: GitState
    python_version: str
    checkov_version: str

    @property
    def folder_name(self) -> str:
        return f"{self.started_at.strftime('%Y%m%dT%H%M%SZ')}-{self.git.short}"


def _git(base: Path, *args: str) -> str | None:
    git = shutil.which("git")
    if git is None:
        return None
    completed = subprocess.run(  # noqa: S603
        [git, "-C", str(base), *args], capture_output=True, text=True, check=False
    )
    return completed.stdout if completed.returncode == 0 else None


def git_state(base: Path) -> GitState:
    commit = _git(base, "rev-parse", "--verify", "HEAD")
    if not commit:
        return GitState(None, "nogit", None)
    status = _git(base, "status", "--porcelain", "--untracked-files=normal")
    commit = commit.strip()
    return GitState(commit, commit[:12], bool(status.strip()) if status is not None else None)


def repository_root(start: Path) -> Path:
    """The git top level containing `start`, or `start` itself outside a repository."""
    top = _git(start, "rev-parse", "--show-toplevel")
    return Path(top.strip()).resolve() if top else start.resolve()


def collect(base: Path, checkov_version: str, now: dt.datetime | None = None) -> RunMetadata:
    started = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    return RunMetadata(started, git_state(base), platform.python_version(), checkov_version)
