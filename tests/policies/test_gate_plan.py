"""`--plan`: a `terraform show -json` plan scanned with the terraform_plan framework, same evidence."""

from __future__ import annotations

import json
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures_gate"
PLAN = FIXTURES / "plan" / "tfplan.json"


def test_the_plan_fixture_is_shaped_like_terraform_show_json():
    plan = json.loads(PLAN.read_text())
    assert {
        "format_version",
        "terraform_version",
        "planned_values",
        "resource_changes",
        "configuration",
    } <= set(plan)
    root = plan["planned_values"]["root_module"]
    resources = root["resources"] + [r for module in root["child_modules"] for r in module["resources"]]
    for resource in resources:
        assert {"address", "mode", "type", "name", "provider_name", "schema_version", "values"} <= set(
            resource
        )
    assert {change["address"] for change in plan["resource_changes"]} == {r["address"] for r in resources}


def test_plan_results_are_merged_with_the_hcl_results(gate_plan):
    assert gate_plan.exit_code == 1
    evidence = gate_plan.evidence
    assert evidence["run"]["scanned"]["plan"] == "tests/policies/fixtures_gate/plan/tfplan.json"
    assert evidence["run"]["offline"]["frameworks"] == ["terraform", "terraform_plan"]
    assert set(evidence["summary"]["by_source"]) == {"terraform", "terraform_plan"}
    custom = {
        (r["source"], r["check_id"], r["resource"], r["outcome"]) for r in gate_plan.results(kind="custom")
    }
    assert custom == {
        ("terraform", "CKV_PCI_902", "aws_dynamodb_table.webhooks", "passed"),
        ("terraform", "CKV_PCI_901", "module.events.aws_sqs_queue.this", "failed"),
        ("terraform_plan", "CKV_PCI_902", "aws_dynamodb_table.webhooks", "passed"),
        ("terraform_plan", "CKV_PCI_901", "module.events.aws_sqs_queue.this", "failed"),
    }
    # Built-ins run on the plan too: CKV_AWS_27 accepts SQS-managed SSE, the custom check does not.
    (builtin,) = gate_plan.results(source="terraform_plan", check_id="CKV_AWS_27")
    assert builtin["outcome"] == "passed"


def test_plan_results_are_enriched_with_their_hcl_location(gate_plan):
    (queue,) = gate_plan.results(source="terraform_plan", check_id="CKV_PCI_901")
    assert queue["file"] == "tests/policies/fixtures_gate/plan/tfplan.json"
    assert queue["hcl_location"] == {
        "file": "tests/policies/fixtures_gate/plan/terraform/modules/queue/main.tf",
        "lines": [6, 9],
    }
    (table,) = gate_plan.results(source="terraform_plan", check_id="CKV_PCI_902")
    assert table["hcl_location"]["file"] == "tests/policies/fixtures_gate/plan/terraform/main.tf"


def test_one_exception_covers_the_hcl_and_the_plan_result(gate_run, tmp_path):
    exceptions = tmp_path / "exceptions.yaml"
    exceptions.write_text(
        "exceptions:\n"
        "  - check_id: CKV_PCI_901\n"
        "    resource: module.events.aws_sqs_queue.this\n"
        "    justification: Test queue.\n"
        "    compensating_control: None.\n"
        "    approver: Fixture Approver\n"
        "    expiry: 2099-12-31\n"
        + "".join(
            f"  - check_id: {check}\n"
            "    resource: events\n"
            "    justification: A local module has no remote source to pin (UNKNOWN).\n"
            "    compensating_control: Repository review.\n"
            "    approver: Fixture Approver\n"
            "    expiry: 2099-12-31\n"
            for check in ("CKV_TF_1", "CKV_TF_2")
        )
    )
    run = gate_run(
        "--dir",
        FIXTURES / "plan" / "terraform",
        "--plan",
        PLAN,
        "--out",
        tmp_path / "out",
        "--exceptions",
        exceptions,
    )
    assert run.exit_code == 0, run.stdout
    status = next(item for item in run.evidence["exceptions"] if item["check_id"] == "CKV_PCI_901")
    assert status["matched"] == [
        "terraform:module.events.aws_sqs_queue.this",
        "terraform_plan:module.events.aws_sqs_queue.this",
    ]


def test_a_json_file_that_is_not_a_plan_fails_closed(gate_run, tmp_path):
    not_a_plan = tmp_path / "tfplan.json"
    not_a_plan.write_text('{"resources": []}\n')
    run = gate_run(
        "--dir",
        FIXTURES / "plan" / "terraform",
        "--plan",
        not_a_plan,
        "--out",
        tmp_path / "out",
        "--exceptions",
        FIXTURES / "exceptions" / "none.yaml",
    )
    assert run.exit_code == 1
    (problem,) = run.problems("parsing_error")
    assert "not a `terraform show -json` plan" in problem["message"]


def test_a_plan_failure_on_values_known_only_after_apply_defers_to_a_passing_hcl_scan(gate_run, tmp_path):
    # GIVEN a first-deploy plan where both tables' CMK ARNs are `after_unknown`, and HCL where one table
    # references the stack's CMK while the other uses the AWS-owned key
    fixture = FIXTURES / "plan_unknown"
    # WHEN the real pack scans both
    run = gate_run(
        "--dir", fixture / "terraform", "--plan", fixture / "tfplan.json", "--out", tmp_path, pack=False
    )
    # THEN the CMK table's plan failure rests on the unknown ARN and is proven by the HCL scan ...
    (deferred,) = run.results(
        source="terraform_plan", check_id="CKV_PCI_001", resource="aws_dynamodb_table.webhooks"
    )
    assert deferred["checkov_result"] == "FAILED"
    assert deferred["unknown_after_apply"] == ["server_side_encryption"]
    assert deferred["outcome"] == "passed"
    assert "known only after apply" in deferred["reason"]
    # ... while the AWS-owned table fails in both scans: an unknown value never hides a real failure
    owned = run.results(check_id="CKV_PCI_001", resource="aws_dynamodb_table.aws_owned")
    assert {(r["source"], r["outcome"]) for r in owned} == {
        ("terraform", "failed"),
        ("terraform_plan", "failed"),
    }
    assert run.exit_code == 1
