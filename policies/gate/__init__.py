"""The PCI policy gate: runs Checkov offline and writes one evidence folder per run.

Modules, in the order a run uses them: `cli` (arguments, orchestration, summary, exit code), `pack` (the
mapping and the checks directory), `exceptions` (the reviewed exceptions file and its matching rule),
`inline_skips` (forbidden `#checkov:skip` comments), `scanner` (Checkov in-process) and `records` (what it
returns), `results` (verdicts, requirement rows, summary), `run_metadata` (time, git, versions), `files`
(hashing, paths), then the writers: `evidence_json`, `report_html`, `sarif`, `junit`, `checksums`.
"""
