"""Pre-commit hook: every YAML and JSON file given on the command line parses.

Replaces pre-commit-hooks' check-yaml/check-json, which are not in the pinned toolchain.
YAML files may hold several documents; only standard tags are allowed (safe loader).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import yaml


def check(path: Path) -> str | None:
    try:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".json":
            json.loads(text)
        else:
            for _ in yaml.safe_load_all(text):
                pass
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        return f"{path}: {exc}"
    except UnicodeDecodeError as exc:
        return f"{path}: not UTF-8: {exc}"
    return None


def main(argv: list[str]) -> int:
    errors = [error for error in (check(Path(name)) for name in argv) if error]
    for error in errors:
        print(error)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
