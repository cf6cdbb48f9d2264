"""Inline Checkov suppressions (`#checkov:skip=...`) are forbidden: every exception is reviewed in one file.

The gate also runs Checkov with skip comments ignored, so a comment can never turn a failure into a skip;
this scan makes the comment itself a blocking finding so it gets removed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from policies.gate.files import relative

# The same markers Checkov honours (checkov.common.comment.enum.COMMENT_REGEX), case-insensitive here.
_SKIP_COMMENT = re.compile(r"(?:checkov|bridgecrew):skip=\s*([A-Za-z0-9_]*)(?::(.*))?", re.IGNORECASE)


@dataclass(frozen=True)
class InlineSkip:
    file: str
    line: int
    check_id: str
    comment: str


def find_inline_skips(files: list[Path], base: Path) -> list[InlineSkip]:
    skips = []
    for path in files:
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            match = _SKIP_COMMENT.search(line)
            if match:
                skips.append(InlineSkip(relative(path, base), number, match.group(1) or "?", line.strip()))
    return sorted(skips, key=lambda skip: (skip.file, skip.line))
