"""`SHA256SUMS` in `sha256sum` format over every input scanned and every other file of the evidence folder.

Paths are relative to the repository root, so `sha256sum -c reports/<run>/SHA256SUMS` run from the
repository root verifies the inputs (Terraform, plan, policy pack, exceptions) and the evidence together.
"""

from __future__ import annotations

from pathlib import Path

from policies.gate.files import relative, sha256_file


def write_sha256sums(path: Path, inputs: list[tuple[str, str]], outputs: list[Path], base: Path) -> None:
    entries = dict(inputs)
    entries.update({relative(output, base): sha256_file(output) for output in outputs})
    # Two spaces: sha256sum's text-mode separator, which `sha256sum -c` expects.
    path.write_text("".join(f"{entries[name]}  {name}\n" for name in sorted(entries)), encoding="utf-8")
