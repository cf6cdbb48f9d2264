"""`python -m policies.tfvalidate <dir>`: one `file:line: message` per error, a summary, exit 1 on errors."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from policies.tfvalidate.checker import validate_directory
from policies.tfvalidate.schema import assembly_path, load_schema


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m policies.tfvalidate", description=__doc__)
    parser.add_argument("directory", type=Path, help="Terraform root module (local modules are followed)")
    parser.add_argument("--cache-dir", type=Path, help="where the derived provider schema is cached")
    args = parser.parse_args(argv)
    if not args.directory.is_dir():
        print(f"{args.directory}: not a directory", file=sys.stderr)
        return 2
    started = time.monotonic()
    try:
        schema = load_schema(cache_dir=args.cache_dir)
    except (FileNotFoundError, KeyError, ValueError) as exc:
        print(f"cannot load the AWS provider schema: {exc}", file=sys.stderr)
        return 2
    findings = validate_directory(args.directory, schema)
    for finding in findings:
        print(finding.render())
    elapsed = time.monotonic() - started
    print(
        f"{len(findings)} error(s) in {args.directory} "
        f"(AWS provider schema from {assembly_path().name}, {elapsed:.1f} s)"
    )
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
