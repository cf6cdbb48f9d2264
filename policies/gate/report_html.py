"""`report.html`: a self-contained (inline CSS, no scripts, no external assets), printable auditor report.

Order: verdict and run identity, summary, blocking items, requirement-by-requirement table, findings
(failures first), known deviations, exceptions, passed results, inputs, and how to reproduce the run.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

_CSS = """
:root { --fail: #b00020; --warn: #8a5a00; --pass: #1b5e20; --muted: #555; --line: #ccc; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: #111;
       margin: 2rem auto; max-width: 75rem; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .25rem; }
h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 2px solid #111; padding-bottom: .2rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
th, td { border: 1px solid var(--line); padding: .3rem .45rem; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
tr { page-break-inside: avoid; break-inside: avoid; }
code, pre { font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
pre { background: #f6f6f6; border: 1px solid var(--line); padding: .5rem; white-space: pre-wrap; margin: 0; }
.muted { color: var(--muted); }
.verdict { display: inline-block; font-weight: 700; padding: .2rem .7rem; border: 2px solid;
           border-radius: .3rem; }
.FAIL, .failed { color: var(--fail); }
.WARN, .warning { color: var(--warn); }
.PASS, .passed { color: var(--pass); }
.excepted, .unevaluated, .NO { color: var(--muted); }
td.status { font-weight: 600; white-space: nowrap; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; }
dt { font-weight: 600; }
dd { margin: 0; }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; }
  h2 { page-break-after: avoid; break-after: avoid; }
  thead { display: table-header-group; }
  th { background: none; }
  pre { background: none; }
  a { color: inherit; text-decoration: none; }
}
"""

_ATTENTION = ("failed", "warning", "excepted", "unevaluated")


def _e(value: Any) -> str:
    return escape("" if value is None else str(value))


def _table(headers: list[str], rows: list[list[str]], empty: str) -> str:
    if not rows:
        return f'<p class="muted">{_e(empty)}</p>'
    head = "".join(f"<th>{_e(header)}</th>" for header in headers)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _status(value: str) -> str:
    return f'<td class="status {_e(value.split()[0])}">{_e(value)}</td>'


def _where(entry: dict[str, Any]) -> str:
    location = entry["hcl_location"] or {"file": entry["file"], "lines": entry["lines"]}
    text = f"{location['file']}:{location['lines'][0]}-{location['lines'][1]}"
    if entry["module_call"]:
        call = entry["module_call"]
        text += f" (module call {call['file']}:{call['lines'][0]})"
    return f"<code>{_e(text)}</code>"


def _header(evidence: dict[str, Any]) -> str:
    run = evidence["run"]
    git = run["git"]
    gate = evidence["gate"]
    pack = evidence["policy_pack"]
    versions = run["versions"]
    commit = git["commit"] or "not a git checkout"
    if git["dirty"]:
        commit += " (working tree had uncommitted changes)"
    scanned = f"<code>{_e(run['scanned']['dir'])}</code>"
    if run["scanned"]["plan"]:
        scanned += f" and plan <code>{_e(run['scanned']['plan'])}</code>"
    if run["scanned"]["files_filter"]:
        scanned += f" (results filtered to {_e(', '.join(run['scanned']['files_filter']))})"
    identity = [
        (
            "Run (UTC)",
            f"{_e(run['started_at'])} ({_e(run['duration_seconds'])} s), {_e(run['mode'])} mode: "
            f"{_e(run['offline']['checks'])}",
        ),
        ("Commit", f"<code>{_e(commit)}</code>"),
        ("Scanned", scanned),
        ("Policy pack", f"{_e(versions['policy_pack'])}, sha256 <code>{_e(pack['sha256'])}</code>"),
        (
            "Tools",
            f"Checkov {_e(versions['checkov'])}, Python {_e(versions['python'])}, offline "
            "(BC_SKIP_MAPPING=TRUE, CKV_SKIP_PACKAGE_UPDATE_CHECK=true, no module downloads)",
        ),
    ]
    rows = "".join(f"<dt>{_e(label)}</dt><dd>{value}</dd>" for label, value in identity)
    return (
        f"<h1>payhooks policy gate: {_e(pack['standard'])} evidence</h1>"
        f'<p><span class="verdict {_e(gate["status"])}">GATE {_e(gate["status"])}</span> '
        f'<span class="muted">{_e(gate["blocking"])} blocking item(s); '
        f"exit code {_e(gate['exit_code'])}</span></p>"
        f"<dl>{rows}</dl>"
    )


def _summary(evidence: dict[str, Any]) -> str:
    summary = evidence["summary"]
    rows = []
    for label, counts in (
        ("Custom PCI checks", summary["custom"]),
        ("Checkov built-ins", summary["builtin"]),
        ("All results", summary),
    ):
        rows.append(
            [
                _e(label),
                *(
                    _e(counts[key])
                    for key in ("results", "failed", "warning", "excepted", "unevaluated", "passed")
                ),
            ]
        )
    problems = summary["problems"]
    exceptions = summary["exceptions"]
    extra = (
        f"<p>Resources scanned: {_e(summary['resources'])}. Custom-check UNKNOWN results failed closed: "
        f"{_e(summary['unknown_failed_closed'])}. Parsing errors: {_e(problems['parsing_error'])}. "
        f"Inline skip comments: {_e(problems['inline_skip'])}. Exceptions: {_e(exceptions['total'])} "
        f"({_e(exceptions['active'])} active, {_e(exceptions['expired'])} expired, "
        f"{_e(exceptions['stale'])} stale, "
        f"{_e(exceptions['not_evaluated'])} not evaluated in this mode).</p>"
    )
    return (
        "<h2>Summary</h2>"
        + _table(
            ["", "results", "failed (blocking)", "warnings", "excepted", "unevaluated", "passed"], rows, ""
        )
        + extra
    )


def _blocking(evidence: dict[str, Any]) -> str:
    rows = []
    for problem in evidence["problems"]:
        where = problem["file"] or ""
        if problem["line"]:
            where += f":{problem['line']}"
        rows.append([_e(problem["kind"]), f"<code>{_e(where)}</code>", _e(problem["message"])])
    rows += [
        [_e(f"{entry['check_id']} ({entry['severity']})"), _where(entry), _e(entry["reason"])]
        for entry in evidence["results"]
        if entry["blocking"]
    ]
    return "<h2>Blocking items</h2>" + _table(["what", "where", "why"], rows, "None: the gate passes.")


def _requirements(evidence: dict[str, Any]) -> str:
    rows = []
    for requirement in evidence["requirements"]:
        checks = "<br>".join(
            f"<code>{_e(check['id'])}</code> {_e(check['name'])}: <b>{_e(check['status'])}</b>"
            f' <span class="muted">({_e(check["counts"]["passed"])} passed, '
            f"{_e(check['counts']['failed'])} failed, {_e(check['counts']['warning'])} warnings, "
            f"{_e(check['counts']['excepted'])} excepted"
            f"{'' if check['loaded'] else ', CHECK NOT LOADED'})</span>"
            for check in requirement["checks"]
        )
        rows.append(
            f"<tr><td><b>{_e(requirement['id'])}</b></td><td>{_e(requirement['text'])}</td><td>{checks}</td>"
            f"{_status(requirement['status'])}</tr>"
        )
    table_rows = "".join(rows)
    baseline = evidence["baseline"]
    return (
        "<h2>Requirements (PCI DSS v4.0)</h2>"
        "<table><thead><tr><th>requirement</th><th>text</th><th>checks</th><th>status</th></tr></thead>"
        f"<tbody>{table_rows}</tbody></table>"
        f"<p>{_e(baseline['description'])}: {_e(baseline['checks'])} checks, "
        f"{_e(baseline['passed'])} passed, {_e(baseline['failed'])} failed, "
        f"{_e(baseline['excepted'])} excepted, {_e(baseline['unevaluated'])} "
        "could not be evaluated by Checkov (informational).</p>"
    )


def _findings(evidence: dict[str, Any]) -> str:
    rows = [
        [
            f'<span class="{_e(entry["outcome"])}"><b>{_e(entry["outcome"])}</b></span>',
            f"<code>{_e(entry['check_id'])}</code>",
            _e(entry["severity"]),
            f"<code>{_e(entry['resource'])}</code>",
            _where(entry),
            _e(entry["source"]),
            _e(entry["reason"]),
        ]
        for outcome in _ATTENTION
        for entry in evidence["results"]
        if entry["outcome"] == outcome
    ]
    return "<h2>Findings (failures first)</h2>" + _table(
        ["outcome", "check", "severity", "resource", "location", "source", "reason"], rows, "No findings."
    )


def _deviations(evidence: dict[str, Any]) -> str:
    parts = ["<h2>Known deviations</h2>"]
    if not evidence["known_deviations"]:
        parts.append('<p class="muted">None.</p>')
    for deviation in evidence["known_deviations"]:
        resources = ", ".join(f"<code>{_e(r)}</code>" for r in deviation["resources"]) or "none this run"
        parts.append(
            f"<h3><code>{_e(deviation['check_id'])}</code> {_e(deviation['title'])}</h3>"
            f"<dl><dt>Requirement(s)</dt><dd>{_e(', '.join(deviation['requirements']))}</dd>"
            f"<dt>Check</dt><dd>{_e(deviation['name'])} (soft-fail: a warning, never blocking)</dd>"
            f"<dt>Resources</dt><dd>{resources}</dd>"
            f"<dt>Note</dt><dd>{_e(deviation['note'])}</dd>"
            f"<dt>Risk</dt><dd>{_e(deviation['risk'])}</dd>"
            f"<dt>Remediation</dt><dd><pre>{_e(deviation['remediation'])}</pre></dd></dl>"
        )
    return "".join(parts)


def _exceptions(evidence: dict[str, Any]) -> str:
    rows = [
        [
            f"<code>{_e(item['check_id'])}</code>",
            f"<code>{_e(item['resource'])}</code>",
            _e(item["justification"]),
            _e(item["compensating_control"]),
            _e(item["approver"]),
            _e(item["expiry"]),
            f"<b>{_e(item['status'])}</b>",
            "<br>".join(f"<code>{_e(m)}</code>" for m in item["matched"])
            or '<span class="muted">nothing</span>',
        ]
        for item in evidence["exceptions"]
    ]
    return (
        "<h2>Exceptions (policies/exceptions.yaml)</h2>"
        '<p class="muted">An expired exception fails the gate; a stale one (matching no failure) is a '
        "warning to remove it.</p>"
        + _table(
            [
                "check",
                "resource",
                "justification",
                "compensating control",
                "approver",
                "expiry",
                "status",
                "matched",
            ],
            rows,
            "No exceptions.",
        )
    )


def _passed(evidence: dict[str, Any]) -> str:
    rows = [
        [
            f"<code>{_e(entry['check_id'])}</code>",
            f"<code>{_e(entry['resource'])}</code>",
            _where(entry),
            _e(entry["source"]),
        ]
        for entry in evidence["results"]
        if entry["outcome"] == "passed"
    ]
    return "<h2>Passed results</h2>" + _table(["check", "resource", "location", "source"], rows, "None.")


def _reproduce(evidence: dict[str, Any]) -> str:
    reproduce = evidence["run"]["reproduce"]
    inputs = "".join(
        f"<tr><td><code>{_e(item['path'])}</code></td><td>{_e(item['role'])}</td><td><code>{_e(item['sha256'])}</code></td></tr>"
        for item in evidence["inputs"]
    )
    return (
        "<h2>How to reproduce this run</h2>"
        f"<p>Command: <code>{_e(reproduce['command'])}</code> at commit "
        f"<code>{_e(reproduce['commit'] or 'n/a')}</code>. "
        f"{_e(reproduce['note'])}</p>"
        f"<pre>{_e(chr(10).join(reproduce['steps']))}</pre>"
        "<p>Verify this folder and the inputs: from the repository root, "
        "<code>sha256sum -c &lt;evidence folder&gt;/SHA256SUMS</code>.</p>"
        "<h2>Inputs scanned</h2>"
        f"<table><thead><tr><th>file</th><th>role</th><th>sha256</th></tr></thead><tbody>{inputs}</tbody></table>"
    )


def render_html(evidence: dict[str, Any]) -> str:
    sections = (
        _header,
        _summary,
        _blocking,
        _requirements,
        _findings,
        _deviations,
        _exceptions,
        _passed,
        _reproduce,
    )
    body = "\n".join(section(evidence) for section in sections)
    title = f"payhooks PCI gate {evidence['gate']['status']} {evidence['run']['git']['short']}"
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{_e(title)}</title><style>{_CSS}</style></head>\n<body>\n{body}\n</body></html>\n"
    )


def write_html(path: Path, evidence: dict[str, Any]) -> None:
    path.write_text(render_html(evidence), encoding="utf-8")
