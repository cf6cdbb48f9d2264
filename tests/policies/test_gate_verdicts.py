"""The gate's verdict: what blocks (exit 1), what only warns (exit 0), and what cannot run (exit 2)."""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures_gate"
EXCEPTIONS = FIXTURES / "exceptions"


def test_passing_fixture_exits_zero_with_warnings_excepted_and_stale(gate_passing):
    # GIVEN terraform/passing, whose built-in failures are all excepted and whose runtime is deprecated
    # THEN the gate passes
    assert gate_passing.exit_code == 0, gate_passing.stdout
    evidence = gate_passing.evidence
    assert evidence["gate"] == {"status": "PASS", "exit_code": 0, "blocking": 0}
    assert evidence["problems"] == []
    assert not gate_passing.results(blocking=True)
    # AND the soft-fail check is a warning, in the evidence, never blocking
    (warning,) = gate_passing.results(outcome="warning")
    assert (warning["check_id"], warning["resource"], warning["checkov_result"]) == (
        "CKV_PCI_904",
        "aws_lambda_function.validator",
        "FAILED",
    )
    assert "PCI gate PASS" in gate_passing.stdout
    assert "WARNING CKV_PCI_904 aws_lambda_function.validator (soft-fail)" in gate_passing.stdout
    # AND the stale exception is reported, not blocking
    stale = [item for item in evidence["exceptions"] if item["status"] == "stale"]
    assert [(item["check_id"], item["resource"]) for item in stale] == [
        ("CKV_AWS_27", "aws_sqs_queue.removed")
    ]
    assert "WARNING stale exception CKV_AWS_27 on aws_sqs_queue.removed" in gate_passing.stdout


def test_exceptions_match_plain_data_and_module_addresses(gate_passing):
    excepted = {(r["check_id"], r["resource"]) for r in gate_passing.results(outcome="excepted")}
    assert excepted == {
        ("CKV_AWS_109", "aws_iam_policy_document.key"),
        ("CKV_AWS_111", "aws_iam_policy_document.key"),  # written as data.aws_iam_policy_document.key
        ("CKV_AWS_356", "aws_iam_policy_document.key"),
        ("CKV_AWS_116", "aws_lambda_function.validator"),
        ("CKV_AWS_117", "aws_lambda_function.validator"),
        ("CKV_AWS_272", "aws_lambda_function.validator"),
        ("CKV_AWS_338", "aws_cloudwatch_log_group.validator"),
        ("CKV_AWS_363", "aws_lambda_function.validator"),
        # Built-ins Checkov cannot evaluate (UNKNOWN) fail closed like the pack's checks unless excepted.
        ("CKV2_AWS_73", "module.queue.aws_sqs_queue.this"),
        ("CKV_TF_1", "queue"),
        ("CKV_TF_2", "queue"),
    }
    # Module resources are scanned and addressed by their module path.
    module_results = gate_passing.results(check_id="CKV_PCI_901")
    assert [(r["resource"], r["outcome"], r["file"]) for r in module_results] == [
        (
            "module.queue.aws_sqs_queue.this",
            "passed",
            "tests/policies/fixtures_gate/terraform/passing/modules/queue/main.tf",
        )
    ]
    assert (
        module_results[0]["module_call"]["file"] == "tests/policies/fixtures_gate/terraform/passing/main.tf"
    )


def test_failing_fixture_exits_one_and_lists_every_cause(gate_failing):
    assert gate_failing.exit_code == 1
    blocking = {
        (r["check_id"], r["resource"], r["checkov_result"]) for r in gate_failing.results(blocking=True)
    }
    assert blocking == {
        ("CKV_PCI_901", "aws_sqs_queue.plain", "FAILED"),  # custom failure
        ("CKV_PCI_903", "aws_cloudwatch_log_group.app", "UNKNOWN"),  # fail closed
        ("CKV_AWS_158", "aws_cloudwatch_log_group.app", "FAILED"),  # built-in failure
        ("CKV_AWS_338", "aws_cloudwatch_log_group.app", "UNKNOWN"),  # built-in, fails closed too
    }
    summary = gate_failing.evidence["summary"]
    assert summary["gate"] == "FAIL"
    assert summary["blocking"] == 5  # four results and the inline skip comment
    assert summary["unknown_failed_closed"] == 1
    assert "FAILED CKV_PCI_903 (UNKNOWN: fails closed) aws_cloudwatch_log_group.app" in gate_failing.stdout


def test_unknown_of_a_custom_or_builtin_check_fails_closed(gate_failing):
    (custom,) = gate_failing.results(check_id="CKV_PCI_903")
    assert (custom["outcome"], custom["blocking"]) == ("failed", True)
    assert "fails closed" in custom["reason"]
    # A built-in Checkov cannot evaluate is not a pass either: fixed, or excepted with a reason.
    (builtin,) = gate_failing.results(check_id="CKV_AWS_338")
    assert (builtin["checkov_result"], builtin["outcome"], builtin["blocking"]) == ("UNKNOWN", "failed", True)
    assert "fails closed" in builtin["reason"]


def test_inline_skip_comment_fails_the_gate_and_cannot_hide_the_failure(gate_failing):
    (skip,) = gate_failing.problems("inline_skip")
    assert (skip["file"], skip["line"]) == ("tests/policies/fixtures_gate/terraform/failing/main.tf", 11)
    assert "CKV_PCI_901" in skip["message"]
    # The suppressed check still ran and still fails.
    (queue,) = gate_failing.results(check_id="CKV_PCI_901")
    assert (queue["checkov_result"], queue["outcome"]) == ("FAILED", "failed")
    assert not gate_failing.results(checkov_result="SKIPPED")


def test_inline_skip_alone_fails_an_otherwise_passing_directory(gate_run, gate_passing_copy, tmp_path):
    main_tf = gate_passing_copy / "main.tf"
    main_tf.write_text(
        main_tf.read_text().replace(
            'resource "aws_kms_key" "data" {',
            'resource "aws_kms_key" "data" {\n  # checkov:skip=CKV_AWS_7: no',
        )
    )
    run = gate_run(
        "--dir", gate_passing_copy, "--out", tmp_path / "out", "--exceptions", EXCEPTIONS / "active.yaml"
    )
    assert run.exit_code == 1
    assert [problem["line"] for problem in run.problems("inline_skip")] == [19]
    assert not run.results(blocking=True)


def test_expired_exception_fails_the_gate_and_uncovers_its_failure(gate_run, gate_out):
    run = gate_run(
        "--dir",
        FIXTURES / "terraform" / "passing",
        "--out",
        gate_out,
        "--exceptions",
        EXCEPTIONS / "expired.yaml",
    )
    assert run.exit_code == 1
    (expired,) = [item for item in run.evidence["exceptions"] if item["status"] == "expired"]
    assert (expired["check_id"], expired["expiry"], expired["blocking"]) == (
        "CKV_AWS_338",
        "2020-01-31",
        True,
    )
    (problem,) = run.problems("expired_exception")
    assert "expired on 2020-01-31" in problem["message"]
    (result,) = run.results(check_id="CKV_AWS_338")
    assert (result["outcome"], result["blocking"]) == ("failed", True)
    assert "expired on 2020-01-31" in result["reason"]


def test_parsing_error_fails_the_gate(gate_run, gate_passing_copy, tmp_path):
    (gate_passing_copy / "broken.tf").write_text('resource "aws_sqs_queue" "broken" {\n  name = \n')
    run = gate_run(
        "--dir", gate_passing_copy, "--out", tmp_path / "out", "--exceptions", EXCEPTIONS / "active.yaml"
    )
    assert run.exit_code == 1
    (problem,) = run.problems("parsing_error")
    assert problem["file"].endswith("passing/broken.tf")


def test_invalid_exceptions_file_fails_the_gate(gate_run, tmp_path):
    broken = tmp_path / "exceptions.yaml"
    broken.write_text("exceptions:\n  - check_id: CKV_AWS_338\n    resource: aws_x.y\n")
    run = gate_run(
        "--dir", FIXTURES / "terraform" / "passing", "--out", tmp_path / "out", "--exceptions", broken
    )
    assert run.exit_code == 1
    (problem,) = run.problems("exceptions_file")
    assert "justification" in problem["message"]


def test_mapping_entry_without_a_loaded_check_fails_the_gate(gate_run, tmp_path):
    mapping = tmp_path / "pci_mapping.yaml"
    mapping.write_text(
        (FIXTURES / "pack" / "pci_mapping.yaml").read_text()
        + "  CKV_PCI_905:\n    class: FixtureMissing\n    name: Ensure a check that does not exist\n"
        '    requirements: ["3.5.1"]\n    severity: LOW\n    risk: none\n    remediation: none\n'
    )
    run = gate_run(
        "--dir",
        FIXTURES / "terraform" / "passing",
        "--out",
        tmp_path / "out",
        "--exceptions",
        EXCEPTIONS / "active.yaml",
        "--checks-dir",
        FIXTURES / "pack" / "checks",
        "--mapping",
        mapping,
        pack=False,
    )
    assert run.exit_code == 1
    (problem,) = run.problems("policy_pack")
    assert problem["message"] == "CKV_PCI_905: no check file FixtureMissing.py in checks/"
    (requirement,) = [row for row in run.evidence["requirements"] if row["id"] == "3.5.1"]
    assert requirement["status"] == "FAIL"


def test_empty_directory_fails_closed(gate_run, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    run = gate_run("--dir", empty, "--out", tmp_path / "out", "--exceptions", EXCEPTIONS / "none.yaml")
    assert run.exit_code == 1
    assert run.problems("no_input")


def test_usage_errors_exit_two_without_evidence(gate_run, tmp_path):
    missing_dir = gate_run("--dir", tmp_path / "nope", "--out", tmp_path / "out")
    missing_plan = gate_run("--dir", FIXTURES / "terraform" / "passing", "--plan", tmp_path / "nope.json")
    assert (missing_dir.exit_code, missing_dir.folder) == (2, None)
    assert (missing_plan.exit_code, missing_plan.folder) == (2, None)
    assert not (tmp_path / "out").exists()


def test_fast_mode_runs_only_the_custom_checks(gate_run, gate_out):
    run = gate_run("--fast", "--dir", FIXTURES / "terraform" / "failing", "--out", gate_out)
    assert run.exit_code == 1
    assert {r["check_id"] for r in run.evidence["results"]} == {"CKV_PCI_901", "CKV_PCI_903"}
    assert run.evidence["run"]["mode"] == "fast"
    assert run.evidence["summary"]["builtin"]["results"] == 0


def test_fast_mode_on_files_reports_only_those_files(gate_run, gate_out):
    passing = FIXTURES / "terraform" / "passing"
    run = gate_run(
        "--fast",
        "--dir",
        passing,
        "--out",
        gate_out,
        "--exceptions",
        EXCEPTIONS / "active.yaml",
        "--files",
        passing / "lambda.tf",
        FIXTURES / "terraform" / "failing" / "main.tf",
    )
    assert run.exit_code == 0, run.stdout
    assert {(r["check_id"], r["resource"]) for r in run.evidence["results"]} == {
        ("CKV_PCI_904", "aws_lambda_function.validator")
    }
    assert run.evidence["run"]["scanned"]["files_filter"] == [
        "tests/policies/fixtures_gate/terraform/passing/lambda.tf"
    ]
    # Exceptions of built-ins are not judged stale when the built-ins did not run.
    assert {item["status"] for item in run.evidence["exceptions"]} == {"not_evaluated"}


def test_files_outside_the_directory_are_not_gated(gate_run, tmp_path):
    run = gate_run(
        "--fast",
        "--dir",
        FIXTURES / "terraform" / "passing",
        "--out",
        tmp_path / "out",
        "--files",
        FIXTURES / "terraform" / "failing" / "main.tf",
    )
    assert (run.exit_code, run.folder) == (0, None)
    assert "nothing to gate" in run.stdout
