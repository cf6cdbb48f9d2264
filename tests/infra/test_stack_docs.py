"""infra/README.md and infra/examples/: the configuration table matches variables.tf, the deploy guide and
design notes are there, and the examples are usable and secret-free."""

from __future__ import annotations

import html
import json
import re

import hcl2
import pytest
from stack_hcl import INFRA, Module, unwrap, validation_accepts

README = INFRA / "README.md"


def readme() -> str:
    return README.read_text()


def table_rows(text: str) -> list[tuple[str, str, str, str]]:
    section = text.split("<!-- variables:start -->", 1)[1].split("<!-- variables:end -->", 1)[0]
    rows = []
    for line in section.strip().splitlines()[2:]:
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
        assert len(cells) == 4, line
        name, type_, default, description = cells
        # Cells escape pipes and angle brackets (GitHub would read <suffix> as an HTML tag).
        assert "<" not in description and ">" not in description, description
        rows.append(
            (name.strip("`"), type_.strip("`"), default, html.unescape(description.replace("\\|", "|")))
        )
    return rows


def documented_default(spec: dict) -> str:
    if "default" not in spec:
        return "(required)"
    return f"`{json.dumps(unwrap(spec['default']))}`"


def render_table(root: Module) -> str:
    """The table README.md must hold between the variables markers (printed when it drifts)."""
    lines = ["| Name | Type | Default | Description |", "|---|---|---|---|"]
    for name, spec in root.variables.items():
        type_ = unwrap(spec["type"]).removeprefix("${").removesuffix("}")
        description = (
            unwrap(spec["description"]).replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")
        )
        lines.append(f"| `{name}` | `{type_}` | {documented_default(spec)} | {description} |")
    return "\n".join(lines)


def test_configuration_table_is_the_rendered_one(root: Module) -> None:
    section = readme().split("<!-- variables:start -->", 1)[1].split("<!-- variables:end -->", 1)[0]
    expected = render_table(root)
    assert section.strip() == expected, f"infra/README.md drifted from variables.tf; expected:\n{expected}"


def test_configuration_table_matches_variables_tf(root: Module) -> None:
    expected = [
        (
            name,
            unwrap(spec["type"]).removeprefix("${").removesuffix("}"),
            documented_default(spec),
            unwrap(spec["description"]),
        )
        for name, spec in root.variables.items()
    ]
    assert table_rows(readme()) == expected


def test_table_parser_notices_a_drifted_row(root: Module) -> None:
    row = "| `lambda_memory_size_mb` | `number` | `512` |"
    drifted = readme().replace(row, row.replace("`512`", "`1024`"))
    assert drifted != readme()
    rows = {r[0]: r[2] for r in table_rows(drifted)}
    assert rows["lambda_memory_size_mb"] == "`1024`"
    assert rows["lambda_memory_size_mb"] != documented_default(root.variables["lambda_memory_size_mb"])


@pytest.mark.parametrize(
    "phrase",
    [
        "## Deploy",
        "### Prerequisites",
        "make gate",
        "terraform -chdir=infra init",
        "terraform -chdir=infra plan",
        "terraform -chdir=infra apply",
        "aws secretsmanager put-secret-value",
        '{"standard_webhooks": ["whsec_<base64>"]}',
        "**Rotation**",
        "### DNS",
        "### Destroy",
        "dead_letter_config",
        "synchronously",
        "### Why the keys are split",
        "python3.12",
        "2025-12-15",
        "account-wide",
        "6.4.2",
    ],
)
def test_readme_covers(phrase: str) -> None:
    assert phrase in readme()


def test_readme_orders_gate_before_plan_and_apply() -> None:
    text = readme()
    assert text.index("make gate") < text.index("make plan") < text.index("make apply")
    assert text.index("policies gate") < text.index("terraform -chdir=infra plan")


def test_readme_secret_example_is_the_contract_json() -> None:
    text = readme()
    assert "jq -cn --arg s \"$STRIPE_SECRET\" '{stripe: [$s]}'" in text
    assert not re.search(r"whsec_[A-Za-z0-9]{8,}", text), "no realistic secret in docs"


def test_tfvars_example_sets_only_declared_variables_and_no_secrets(root: Module) -> None:
    path = INFRA / "examples" / "dev.tfvars"
    with path.open() as handle:
        values = hcl2.load(handle)
    assert values
    assert set(values) <= set(root.variables)
    assert {"domain_name", "certificate_arn"} <= set(values), "required variables are shown"
    text = path.read_text()
    assert not re.search(r"whsec_|secret_string|password|AKIA[0-9A-Z]{16}", text)
    for name, value in values.items():
        assert validation_accepts(root, name, unwrap(value)), name


def test_backend_example_is_encrypted_and_locked() -> None:
    path = INFRA / "examples" / "backend.hcl.example"
    with path.open() as handle:
        values = {k: unwrap(v) for k, v in hcl2.load(handle).items()}
    assert {"bucket", "key", "region"} <= set(values)
    assert values["region"] == "us-east-1"
    assert values["encrypt"] is True
    assert values["kms_key_id"].startswith("arn:aws:kms:us-east-1:")
    assert values.get("use_lockfile") is True or values.get("dynamodb_table")
    assert "dynamodb_table" in path.read_text(), "the pre-1.10 locking alternative is documented"
    terraform_tf = (INFRA / "terraform.tf").read_text()
    assert 'backend "s3"' not in terraform_tf, "the S3 backend stays optional"
