"""Deploy pre-flight: exit 2 with a clear message without Terraform or AWS credentials, 0 with both."""

from __future__ import annotations

from pathlib import Path

import pytest
from payhooks_tools import deploy_preflight

AWS_VARIABLES = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CREDENTIAL_EXPIRATION",
)


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No credentials anywhere, no terraform on PATH, the metadata service switched off as a safety net."""
    for name in AWS_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "missing-credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "missing-config"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    monkeypatch.setenv("PATH", str(bin_dir))
    return bin_dir


def install_fake_terraform(bin_dir: Path) -> Path:
    terraform = bin_dir / "terraform"
    terraform.write_text("#!/bin/sh\nexit 0\n")
    terraform.chmod(0o755)
    return terraform


def test_nothing_available_exits_2_naming_both(clean_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert deploy_preflight.main([]) == 2
    err = capsys.readouterr().err
    assert "terraform is not on PATH" in err
    assert "no AWS credentials found" in err


def test_missing_terraform_alone_exits_2(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLEKEY1234")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-a-real-secret")
    assert deploy_preflight.main([]) == 2
    err = capsys.readouterr().err
    assert "terraform is not on PATH" in err
    assert "credentials" not in err


def test_missing_credentials_alone_exits_2(clean_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    install_fake_terraform(clean_env)
    assert deploy_preflight.main([]) == 2
    err = capsys.readouterr().err
    assert err.startswith("deploy preflight: no AWS credentials found")
    assert "terraform" not in err.split("found")[0]


def test_environment_credentials_and_terraform_exit_0(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    terraform = install_fake_terraform(clean_env)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLEKEY1234")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-a-real-secret")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    assert deploy_preflight.main([]) == 0
    out = capsys.readouterr().out
    assert out.splitlines() == [
        f"terraform: {terraform}",
        "aws credentials: source=env access_key=AKIA...1234 region=us-east-1",
    ]
    assert "not-a-real-secret" not in out


def test_shared_credentials_profile_is_found(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    credentials_file = tmp_path / "credentials"
    credentials_file.write_text(
        "[deploy]\naws_access_key_id = AKIAPROFILEKEY5678\naws_secret_access_key = x\n"
    )
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials_file))
    monkeypatch.setenv("AWS_PROFILE", "deploy")
    found = deploy_preflight.find_credentials()
    assert found == deploy_preflight.Credentials("shared-credentials-file", "AKIA...5678", "deploy", None)
