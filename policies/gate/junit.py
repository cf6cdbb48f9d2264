"""`junit.xml`: one test case per check result (failures as <failure>), plus one per gate problem.

Excepted failures are <skipped> with the exception's expiry; soft-fail warnings pass with a
<system-out> note. No timestamps, so the file is identical across runs on the same commit.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET  # writing only, never parsing untrusted XML
from pathlib import Path
from typing import Any

_SUITES = (
    ("custom", "PCI DSS custom checks (CKV_PCI)"),
    ("builtin", "Checkov built-in checks"),
)


def _testcase(suite: ET.Element, entry: dict[str, Any]) -> str:
    where = f"{entry['file']}:{entry['lines'][0]}"
    case = ET.SubElement(
        suite,
        "testcase",
        {
            "classname": f"{entry['source']}.{entry['check_id']}",
            "name": f"{entry['check_id']} {entry['resource']}",
            "file": entry["file"],
            "line": str(entry["lines"][0]),
        },
    )
    outcome = entry["outcome"]
    if outcome == "failed":
        failure = ET.SubElement(
            case,
            "failure",
            {"message": entry["reason"], "type": f"{entry['checkov_result']} {entry['severity']}"},
        )
        failure.text = f"{entry['reason']}\nat {where}"
    elif outcome == "excepted":
        ET.SubElement(case, "skipped", {"message": entry["reason"]})
    elif outcome in ("warning", "unevaluated"):
        ET.SubElement(case, "system-out").text = f"{outcome.upper()}: {entry['reason']}"
    return outcome


def _suite(root: ET.Element, name: str, entries: list[dict[str, Any]]) -> None:
    suite = ET.SubElement(root, "testsuite", {"name": name})
    outcomes = [_testcase(suite, entry) for entry in entries]
    suite.set("tests", str(len(outcomes)))
    suite.set("failures", str(outcomes.count("failed")))
    suite.set("errors", "0")
    suite.set("skipped", str(outcomes.count("excepted")))


def build_junit(evidence: dict[str, Any]) -> ET.Element:
    root = ET.Element("testsuites", {"name": "payhooks PCI policy gate"})
    for kind, title in _SUITES:
        _suite(root, title, [entry for entry in evidence["results"] if entry["kind"] == kind])
    gate = ET.SubElement(root, "testsuite", {"name": "gate integrity"})
    problems = evidence["problems"]
    for problem in problems:
        case = ET.SubElement(
            gate,
            "testcase",
            {"classname": f"gate.{problem['kind']}", "name": problem["file"] or problem["kind"]},
        )
        ET.SubElement(
            case, "failure", {"message": problem["message"], "type": problem["kind"]}
        ).text = problem["message"]
    if not problems:
        ET.SubElement(
            gate,
            "testcase",
            {"classname": "gate", "name": "no parsing errors, inline skips or expired exceptions"},
        )
    gate.set("tests", str(max(len(problems), 1)))
    gate.set("failures", str(len(problems)))
    gate.set("errors", "0")
    gate.set("skipped", "0")
    suites = root.findall("testsuite")
    for attribute in ("tests", "failures", "errors", "skipped"):
        root.set(attribute, str(sum(int(suite.get(attribute, "0")) for suite in suites)))
    return root


def write_junit(path: Path, evidence: dict[str, Any]) -> None:
    tree = ET.ElementTree(build_junit(evidence))
    ET.indent(tree)
    tree.write(path, encoding="utf-8", xml_declaration=True)
