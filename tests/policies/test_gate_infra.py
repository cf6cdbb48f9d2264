"""The real gate on the real stack: `make gate` must pass (zero unexcepted failures)."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_gate_passes_on_infra(gate_run, tmp_path):
    run = gate_run("--dir", REPO_ROOT / "infra", "--out", tmp_path, pack=False)
    assert run.exit_code == 0, run.stdout
    evidence = run.evidence
    assert evidence["problems"] == []
    assert evidence["run"]["scanned"]["dir"] == "infra"
    assert evidence["run"]["versions"]["policy_pack"] == "payhooks-pci 1.0.0"
    assert {item["status"] for item in evidence["exceptions"]} == {"active"}
    # Every custom check of the mapping was loaded; the python3.9 runtime is the known deviation.
    assert all(check["loaded"] for row in evidence["requirements"] for check in row["checks"])
    deviations = {deviation["check_id"]: deviation for deviation in evidence["known_deviations"]}
    assert deviations["CKV_PCI_044"]["resources"]
    assert "python3.9" in deviations["CKV_PCI_044"]["note"]


def test_on_infra_only_role_policies_whose_document_passes_the_same_rule_stay_unevaluated(gate_run, tmp_path):
    # The role policies embed `data.aws_iam_policy_document.x.json`, which Checkov's resource-level IAM rules
    # cannot resolve; their data-level twins evaluate the documents. Nothing else may stay unevaluated.
    run = gate_run("--dir", REPO_ROOT / "infra", "--out", tmp_path, pack=False)
    unevaluated = run.results(outcome="unevaluated")
    assert unevaluated
    assert {result["resource"].split(".")[-2] for result in unevaluated} == {"aws_iam_role_policy"}
    assert all("passes on the document it uses: " in result["reason"] for result in unevaluated)
    assert not [r for r in run.results(checkov_result="UNKNOWN") if r["outcome"] == "passed"]


def test_real_pack_on_the_plan_fixture_passes_the_cmk_table_and_fails_the_sse_sqs_queue(gate_run, tmp_path):
    fixtures = Path(__file__).resolve().parent / "fixtures_gate"
    run = gate_run(
        "--dir",
        fixtures / "plan" / "terraform",
        "--plan",
        fixtures / "plan" / "tfplan.json",
        "--out",
        tmp_path,
        "--exceptions",
        fixtures / "exceptions" / "none.yaml",
        pack=False,
    )
    assert run.exit_code == 1
    (queue,) = run.results(source="terraform_plan", check_id="CKV_PCI_002")
    assert (queue["resource"], queue["outcome"]) == ("module.events.aws_sqs_queue.this", "failed")
    # The plan resolves the table's key variable to a CMK ARN; the HCL alone cannot (fails closed).
    (table_in_plan,) = run.results(source="terraform_plan", check_id="CKV_PCI_001")
    assert (table_in_plan["resource"], table_in_plan["outcome"]) == ("aws_dynamodb_table.webhooks", "passed")
    (table_in_hcl,) = run.results(source="terraform", check_id="CKV_PCI_001")
    assert table_in_hcl["outcome"] == "failed"
