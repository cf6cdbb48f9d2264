"""Reproducible Lambda packages: one zip per function with its package, the shared package and the pinned
runtime dependencies built for the Lambda's Python and architecture.

    python -m payhooks_tools.build --out build [--python-version 3.9] [--architecture x86_64|arm64]

Identical inputs give byte-identical zips: entries sorted, timestamps fixed at 1980-01-01, one file mode, no
bytecode, and none of the files pip writes per install (RECORD, INSTALLER, REQUESTED, direct_url.json).
The wheels are downloaded once per (requirements, Python, platform) into `<out>/.cache`; later builds install
from there with `--no-index`, offline. boto3/botocore come with the Lambda runtime and are not packaged.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

FUNCTIONS_ROOT = Path(__file__).resolve().parents[1]
FUNCTIONS = ("webhook_validator", "batch_processor")
SHARED_PACKAGE = "payhooks_shared"
# Terraform's `handler` for each function: `<package>.<module>.<function>` under the zip root.
HANDLERS = {name: f"{name}.handler.lambda_handler" for name in FUNCTIONS}
PLATFORMS = {"x86_64": "manylinux2014_x86_64", "arm64": "manylinux2014_aarch64"}
DEFAULT_PYTHON_VERSION = "3.9"

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
FILE_MODE = 0o100644
# Written by pip per install (absolute paths, installer name, file hashes of this install): not code.
INSTALL_RECORDS = frozenset({"RECORD", "INSTALLER", "REQUESTED", "direct_url.json"})
EXCLUDED_SUFFIXES = (".pyc", ".pyo")
# Our packages ship without their tests; installed dependencies without pip's console scripts (`bin/`).
SOURCE_EXCLUDED_DIRS = frozenset({"__pycache__", "tests", "test"})
DEPENDENCY_EXCLUDED_DIRS = frozenset({"__pycache__"})
DEPENDENCY_EXCLUDED_TOP_LEVEL = frozenset({"bin"})


class BuildError(Exception):
    """A build that cannot produce a correct package."""


@dataclass(frozen=True)
class Target:
    python_version: str = DEFAULT_PYTHON_VERSION
    architecture: str = "x86_64"

    @property
    def platform(self) -> str:
        return PLATFORMS[self.architecture]

    def pip_flags(self) -> list[str]:
        return [
            "--require-hashes",
            "--no-deps",
            "--only-binary=:all:",
            "--platform",
            self.platform,
            "--implementation",
            "cp",
            "--python-version",
            self.python_version,
        ]


@dataclass(frozen=True)
class Artifact:
    function: str
    path: Path
    size: int
    sha256: str


def handler_module_path(handler: str) -> str:
    """The file a Lambda `handler` string loads: `a.b.lambda_handler` -> `a/b.py`."""
    module, _, _ = handler.rpartition(".")
    return module.replace(".", "/") + ".py"


def cache_key(requirements: Path, target: Target) -> str:
    digest = hashlib.sha256(requirements.read_bytes())
    digest.update(f"\0{target.python_version}\0{target.platform}\0cp".encode())
    return digest.hexdigest()[:16]


def _pip(args: Sequence[str]) -> None:
    env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1", PYTHONDONTWRITEBYTECODE="1")
    result = subprocess.run(  # noqa: S603 - fixed pip command line built from this module's flags
        [sys.executable, "-m", "pip", *args], env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BuildError(f"pip {args[0]} failed:\n{result.stdout}{result.stderr}")


def download_wheels(requirements: Path, target: Target, cache_dir: Path) -> Path:
    """The hash-checked wheels for `target`, downloaded on the first build only."""
    wheels = cache_dir / f"wheels-{cache_key(requirements, target)}"
    if (wheels / ".complete").is_file():
        return wheels
    cache_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="wheels-", dir=cache_dir))
    try:
        _pip(["download", *target.pip_flags(), "--dest", str(staging), "-r", str(requirements)])
    except BuildError:
        shutil.rmtree(staging)
        raise
    (staging / ".complete").write_text(requirements.name + "\n", encoding="utf-8")
    if wheels.exists():
        shutil.rmtree(wheels)
    staging.rename(wheels)
    return wheels


def install_dependencies(requirements: Path, target: Target, wheels: Path, destination: Path) -> None:
    _pip(
        [
            "install",
            *target.pip_flags(),
            "--no-index",
            "--find-links",
            str(wheels),
            "--no-compile",
            "--target",
            str(destination),
            "-r",
            str(requirements),
        ]
    )


def _packaged_files(
    root: Path, excluded_dirs: frozenset[str], prefix: str = ""
) -> Iterable[tuple[str, Path]]:
    """(archive name, file) under `root`, without bytecode, hidden files or pip's per-install records."""
    for path in root.rglob("*"):
        relative = path.relative_to(root)
        if not path.is_file() or path.suffix in EXCLUDED_SUFFIXES:
            continue
        if any(part in excluded_dirs or part.startswith(".") for part in relative.parts):
            continue
        if relative.parts[0].endswith(".dist-info") and path.name in INSTALL_RECORDS:
            continue
        yield prefix + relative.as_posix(), path


def dependency_files(site: Path) -> dict[str, Path]:
    return {
        name: path
        for name, path in _packaged_files(site, DEPENDENCY_EXCLUDED_DIRS)
        if name.split("/")[0] not in DEPENDENCY_EXCLUDED_TOP_LEVEL
    }


def package_sources(functions_root: Path, function: str) -> dict[str, Path]:
    files: dict[str, Path] = {}
    for package in (function, SHARED_PACKAGE):
        directory = functions_root / package
        if not (directory / "__init__.py").is_file():
            raise BuildError(f"{directory} is not a Python package (no __init__.py)")
        files.update(_packaged_files(directory, SOURCE_EXCLUDED_DIRS, prefix=f"{package}/"))
    handler = handler_module_path(HANDLERS[function])
    if handler not in files:
        raise BuildError(f"{function}: the handler module {handler} does not exist")
    return files


def write_zip(destination: Path, files: dict[str, Path]) -> None:
    """A zip whose bytes depend only on the archive names and file contents."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(destination.name + ".partial")
    with zipfile.ZipFile(partial, "w") as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
            info.external_attr = FILE_MODE << 16
            info.create_system = 3
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, files[name].read_bytes(), compresslevel=9)
    os.replace(partial, destination)


def _describe(function: str, path: Path) -> Artifact:
    data = path.read_bytes()
    return Artifact(function=function, path=path, size=len(data), sha256=hashlib.sha256(data).hexdigest())


def build(
    out: Path,
    functions_root: Path = FUNCTIONS_ROOT,
    target: Target | None = None,
    requirements: Path | None = None,
    cache_dir: Path | None = None,
) -> list[Artifact]:
    """Build every function's zip into `out`; returns what was written."""
    target = target or Target()
    requirements = requirements or functions_root / "requirements.txt"
    wheels = download_wheels(requirements, target, cache_dir or out / ".cache")
    with tempfile.TemporaryDirectory(prefix="payhooks-deps-") as scratch:
        site = Path(scratch)
        install_dependencies(requirements, target, wheels, site)
        dependencies = dependency_files(site)
        artifacts = []
        for function in FUNCTIONS:
            sources = package_sources(functions_root, function)
            clashes = sorted(
                {name.split("/")[0] for name in sources} & {n.split("/")[0] for n in dependencies}
            )
            if clashes:
                raise BuildError(f"{function}: dependencies would overwrite packages {', '.join(clashes)}")
            path = out / f"{function}.zip"
            write_zip(path, {**dependencies, **sources})
            artifacts.append(_describe(function, path))
    return artifacts


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m payhooks_tools.build", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--out", type=Path, default=Path("build"), help="output directory (default: build)")
    parser.add_argument("--functions-root", type=Path, default=FUNCTIONS_ROOT, help="Lambda code root")
    parser.add_argument(
        "--python-version",
        default=DEFAULT_PYTHON_VERSION,
        help=f"Lambda runtime's Python, e.g. 3.9 or 3.12 (default {DEFAULT_PYTHON_VERSION})",
    )
    parser.add_argument(
        "--architecture", choices=sorted(PLATFORMS), default="x86_64", help="Lambda architecture"
    )
    parser.add_argument("--cache-dir", type=Path, help="wheel cache (default: <out>/.cache)")
    args = parser.parse_args(argv)
    target = Target(python_version=args.python_version, architecture=args.architecture)
    try:
        artifacts = build(
            args.out, functions_root=args.functions_root, target=target, cache_dir=args.cache_dir
        )
    except BuildError as exc:
        print(f"build failed: {exc}", file=sys.stderr)
        return 1
    for artifact in artifacts:
        print(f"{artifact.path}  {artifact.size} bytes  sha256:{artifact.sha256}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
