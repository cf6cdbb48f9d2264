"""Reproducible Lambda packaging (payhooks_tools.build): identical inputs give identical bytes, and each zip
holds exactly the function, the shared package and the pinned runtime dependencies."""

from __future__ import annotations

import hashlib
import os
import re
import zipfile
from pathlib import Path

import hcl2
import pytest
from payhooks_tools import build as packaging

REPO = Path(__file__).resolve().parents[2]
REAL_FUNCTIONS = REPO / "functions"


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


@pytest.fixture(scope="module")
def fake_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A functions root shaped like the real one, with files that must stay out of the zips."""
    root = tmp_path_factory.mktemp("functions")
    for function in packaging.FUNCTIONS:
        write(root / function / "__init__.py", "")
        write(root / function / "handler.py", "def lambda_handler(event, context):\n    return {}\n")
        write(root / function / "tests" / "test_handler.py", "def test_nothing():\n    pass\n")
        write(root / function / "__pycache__" / "handler.cpython-39.pyc", "bytecode")
    write(root / "payhooks_shared" / "__init__.py", "")
    write(root / "payhooks_shared" / "config.py", "TABLE_NAME = 'TABLE_NAME'\n")
    write(root / "payhooks_shared" / "stale.pyc", "bytecode")
    write(root / "payhooks_tools" / "__init__.py", "")
    write(root / "requirements.txt", (REAL_FUNCTIONS / "requirements.txt").read_text())
    return root


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("wheel-cache")


@pytest.fixture(scope="module")
def two_builds(fake_root: Path, cache_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    """GIVEN one build, WHEN the sources' mtimes change and it runs again, THEN only pip install runs."""
    first = packaging.build(tmp_path_factory.mktemp("out1"), functions_root=fake_root, cache_dir=cache_dir)
    for path in fake_root.rglob("*"):
        os.utime(path, (1_700_000_000, 1_700_000_000))
    calls: list[str] = []
    real_pip = packaging._pip
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(packaging, "_pip", lambda args: (calls.append(args[0]), real_pip(args)))
        second = packaging.build(
            tmp_path_factory.mktemp("out2"), functions_root=fake_root, cache_dir=cache_dir
        )
    return first, second, calls


def names(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as archive:
        return archive.namelist()


def test_two_builds_are_byte_identical(two_builds) -> None:
    first, second, _ = two_builds
    assert [a.function for a in first] == list(packaging.FUNCTIONS)
    for a, b in zip(first, second, strict=True):
        assert a.path.read_bytes() == b.path.read_bytes()
        assert (
            (a.size, a.sha256)
            == (b.size, b.sha256)
            == (a.size, hashlib.sha256(a.path.read_bytes()).hexdigest())
        )


def test_second_build_installs_from_the_cache_without_downloading(two_builds) -> None:
    _, _, calls = two_builds
    assert calls == ["install"]


def test_zip_holds_handler_shared_package_and_pinned_dependencies(two_builds) -> None:
    first, _, _ = two_builds
    for artifact in first:
        entries = names(artifact.path)
        assert entries == sorted(entries)
        assert f"{artifact.function}/handler.py" in entries
        assert "payhooks_shared/config.py" in entries
        assert "aws_xray_sdk/core/recorder.py" in entries
        assert "wrapt/_wrappers.cpython-39-x86_64-linux-gnu.so" in entries
        other = next(f for f in packaging.FUNCTIONS if f != artifact.function)
        forbidden = [
            n
            for n in entries
            if "/tests/" in n
            or "__pycache__" in n
            or n.endswith(".pyc")
            or n.startswith(("payhooks_tools/", f"{other}/", "boto3/", "botocore/", "bin/"))
            or n.endswith(("/RECORD", "/direct_url.json", "/INSTALLER", "/REQUESTED"))
        ]
        assert forbidden == []


def test_zip_entries_have_fixed_timestamps_and_modes(two_builds) -> None:
    first, _, _ = two_builds
    with zipfile.ZipFile(first[0].path) as archive:
        infos = archive.infolist()
    assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert {info.external_attr >> 16 for info in infos} == {0o100644}


def test_handler_strings_name_modules_inside_the_zip(two_builds) -> None:
    first, _, _ = two_builds
    assert packaging.HANDLERS == {
        "webhook_validator": "webhook_validator.handler.lambda_handler",
        "batch_processor": "batch_processor.handler.lambda_handler",
    }
    for artifact in first:
        module = packaging.handler_module_path(packaging.HANDLERS[artifact.function])
        with zipfile.ZipFile(artifact.path) as archive:
            assert "def lambda_handler(" in archive.read(module).decode()


def _terraform_strings(value: object) -> list[str]:
    if isinstance(value, dict):
        return [s for item in value.values() for s in _terraform_strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in _terraform_strings(item)]
    return [value] if isinstance(value, str) else []


def test_terraform_handlers_and_zip_names_match_the_build() -> None:
    strings: list[str] = []
    for path in sorted((REPO / "infra").rglob("*.tf")):
        with path.open() as handle:
            strings += _terraform_strings(hcl2.load(handle))
    handlers = {s for s in strings if re.fullmatch(r"\w+\.handler\.lambda_handler", s)}
    assert handlers == set(packaging.HANDLERS.values())
    zips = {s.rsplit("/", 1)[-1] for s in strings if s.endswith(".zip")}
    assert zips == {f"{function}.zip" for function in packaging.FUNCTIONS}


def test_missing_handler_module_fails_the_build(fake_root: Path, cache_dir: Path, tmp_path: Path) -> None:
    broken = tmp_path / "functions"
    for package in (*packaging.FUNCTIONS, "payhooks_shared"):
        write(broken / package / "__init__.py", "")
    write(broken / "batch_processor" / "handler.py", "def lambda_handler(event, context):\n    return {}\n")
    with pytest.raises(packaging.BuildError, match=r"webhook_validator/handler\.py does not exist"):
        packaging.build(
            tmp_path / "out",
            functions_root=broken,
            requirements=fake_root / "requirements.txt",
            cache_dir=cache_dir,
        )


def test_cli_prints_path_size_and_sha256(fake_root: Path, cache_dir: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "build"
    argv = ["--out", str(out), "--functions-root", str(fake_root), "--cache-dir", str(cache_dir)]
    assert packaging.main(argv) == 0
    lines = capsys.readouterr().out.splitlines()
    for line, function in zip(lines, packaging.FUNCTIONS, strict=True):
        path = out / f"{function}.zip"
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        assert line == f"{path}  {path.stat().st_size} bytes  sha256:{digest}"


def test_target_flags_follow_python_version_and_architecture() -> None:
    flags = packaging.Target(python_version="3.12", architecture="arm64").pip_flags()
    assert flags == [
        "--require-hashes",
        "--no-deps",
        "--only-binary=:all:",
        "--platform",
        "manylinux2014_aarch64",
        "--implementation",
        "cp",
        "--python-version",
        "3.12",
    ]


def test_real_functions_tree_builds(cache_dir: Path, tmp_path: Path) -> None:
    artifacts = packaging.build(tmp_path / "build", functions_root=REAL_FUNCTIONS, cache_dir=cache_dir)
    for artifact in artifacts:
        entries = names(artifact.path)
        assert packaging.handler_module_path(packaging.HANDLERS[artifact.function]) in entries
        assert any(n.startswith("payhooks_shared/") for n in entries)
        assert "aws_xray_sdk/__init__.py" in entries
        assert not any(n.startswith("payhooks_tools/") or "__pycache__" in n for n in entries)
