"""results.sarif (SARIF 2.1.0) and junit.xml structure.

The SARIF 2.1.0 JSON schema is not available offline (jsonschema is installed, the schema document is
not), so the properties the schema requires, and the enums it fixes, are asserted by hand.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET  # the gate's own output, not untrusted input

import pytest

LEVELS = {"none", "note", "warning", "error"}
KINDS = {"notApplicable", "pass", "fail", "review", "open", "informational"}


def _sarif(run) -> dict:
    return json.loads((run.folder / "results.sarif").read_text())


@pytest.mark.parametrize("run_name", ["gate_passing", "gate_failing", "gate_plan"])
def test_sarif_has_the_required_structure(run_name, request):
    run = request.getfixturevalue(run_name)
    sarif = _sarif(run)
    assert sarif["version"] == "2.1.0"
    assert sarif["$schema"].endswith("sarif-2.1.0.json")
    (sarif_run,) = sarif["runs"]
    driver = sarif_run["tool"]["driver"]
    assert driver["name"] == "payhooks-pci-gate"
    rule_ids = [rule["id"] for rule in driver["rules"]]
    assert len(rule_ids) == len(set(rule_ids))
    for rule in driver["rules"]:
        assert rule["shortDescription"]["text"]
        assert rule["help"]["text"]
        assert rule["defaultConfiguration"]["level"] in LEVELS
    assert len(sarif_run["results"]) == len(run.evidence["results"])
    for result in sarif_run["results"]:
        assert result["message"]["text"]
        assert result["ruleId"] in rule_ids
        assert rule_ids[result["ruleIndex"]] == result["ruleId"]
        assert result["level"] in LEVELS
        assert result["kind"] in KINDS
        (location,) = result["locations"]
        physical = location["physicalLocation"]
        assert physical["artifactLocation"]["uri"]
        assert 1 <= physical["region"]["startLine"] <= physical["region"]["endLine"]
        assert location["logicalLocations"][0]["fullyQualifiedName"]
        for suppression in result.get("suppressions", []):
            assert suppression["kind"] in {"inSource", "external"}


def test_sarif_custom_rules_carry_the_remediation_as_help(gate_passing):
    rules = {rule["id"]: rule for rule in _sarif(gate_passing)["runs"][0]["tool"]["driver"]["rules"]}
    assert {"CKV_PCI_901", "CKV_PCI_902", "CKV_PCI_903", "CKV_PCI_904"} <= set(rules)
    assert "kms_master_key_id = aws_kms_key.data.arn" in rules["CKV_PCI_901"]["help"]["text"]
    assert rules["CKV_PCI_904"]["defaultConfiguration"]["level"] == "warning"
    assert "PCI-DSS-3.5.1" in rules["CKV_PCI_901"]["properties"]["tags"]
    assert rules["CKV_AWS_338"]["helpUri"].startswith("https://")


def test_sarif_levels_follow_the_outcomes(gate_failing, gate_passing):
    failing = {(r["ruleId"], r["level"], r["kind"]) for r in _sarif(gate_failing)["runs"][0]["results"]}
    assert ("CKV_PCI_901", "error", "fail") in failing
    assert ("CKV_PCI_903", "error", "fail") in failing
    passing = _sarif(gate_passing)["runs"][0]["results"]
    (warning,) = [r for r in passing if r["ruleId"] == "CKV_PCI_904"]
    assert (warning["level"], warning["kind"]) == ("warning", "fail")
    (excepted,) = [r for r in passing if r["ruleId"] == "CKV_AWS_338"]
    assert excepted["suppressions"][0]["status"] == "accepted"
    assert {r["kind"] for r in passing if r["properties"]["outcome"] == "passed"} == {"pass"}


def test_sarif_plan_results_point_at_the_hcl_and_the_plan(gate_plan):
    results = _sarif(gate_plan)["runs"][0]["results"]
    (queue,) = [
        r for r in results if r["ruleId"] == "CKV_PCI_901" and r["properties"]["source"] == "terraform_plan"
    ]
    location = queue["locations"][0]["physicalLocation"]
    assert (
        location["artifactLocation"]["uri"]
        == "tests/policies/fixtures_gate/plan/terraform/modules/queue/main.tf"
    )
    related = queue["relatedLocations"][0]["physicalLocation"]
    assert related["artifactLocation"]["uri"] == "tests/policies/fixtures_gate/plan/tfplan.json"


@pytest.mark.parametrize("run_name", ["gate_passing", "gate_failing"])
def test_junit_has_one_testcase_per_result_and_failures_for_blocking_ones(run_name, request):
    run = request.getfixturevalue(run_name)
    root = ET.parse(run.folder / "junit.xml").getroot()  # noqa: S314
    assert root.tag == "testsuites"
    suites = {suite.get("name"): suite for suite in root.findall("testsuite")}
    assert set(suites) == {"PCI DSS custom checks (CKV_PCI)", "Checkov built-in checks", "gate integrity"}
    result_cases = [
        case
        for name, suite in suites.items()
        if name != "gate integrity"
        for case in suite.findall("testcase")
    ]
    assert len(result_cases) == len(run.evidence["results"])
    failed_cases = {case.get("name") for case in result_cases if case.find("failure") is not None}
    assert failed_cases == {f"{r['check_id']} {r['resource']}" for r in run.results(blocking=True)}
    skipped = [case for case in result_cases if case.find("skipped") is not None]
    assert len(skipped) == len(run.results(outcome="excepted"))
    problems = suites["gate integrity"].findall("testcase")
    assert sum(case.find("failure") is not None for case in problems) == len(run.evidence["problems"])
    assert int(root.get("failures")) == len(failed_cases) + len(run.evidence["problems"])
    assert int(root.get("tests")) == sum(int(suite.get("tests")) for suite in suites.values())
