"""Hashing and path helpers shared by the pack, the scanner and the writers."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

# Every file Checkov's Terraform framework may read under the scanned directory.
TERRAFORM_SUFFIXES = (".tf", ".tf.json", ".tfvars", ".tfvars.json")
_IGNORED_DIRECTORIES = {".terraform", ".git", "__pycache__"}


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def relative(path: Path, base: Path) -> str:
    """POSIX path of `path` relative to `base` (with `..` when outside), as written in the evidence."""
    return Path(os.path.relpath(path.resolve(), base.resolve())).as_posix()


def walk_files(root: Path, suffixes: tuple[str, ...]) -> list[Path]:
    """Files under `root` ending with one of `suffixes`, sorted, skipping tool and cache directories."""
    found = []
    for directory, subdirectories, names in os.walk(root):
        subdirectories[:] = sorted(d for d in subdirectories if d not in _IGNORED_DIRECTORIES)
        found.extend(Path(directory, name) for name in names if name.endswith(suffixes))
    return sorted(found)


def terraform_files(root: Path) -> list[Path]:
    return walk_files(root, TERRAFORM_SUFFIXES)
