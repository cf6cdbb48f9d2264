"""`python -m policies gate`: arguments, orchestration, evidence folder, summary and exit code.

Exit codes: 0 the gate passes; 1 any unexcepted failure (a failed or UNKNOWN custom-check result, a failed
built-in, an expired exception, an inline skip comment, a parsing error, a broken policy pack); 2 the
command cannot run (bad arguments, missing directory or plan, unreadable mapping).
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import time
from collections import Counter
from pathlib import Path

from policies.gate import checksums, evidence_json, junit, report_html, run_metadata, sarif
from policies.gate.evidence_json import GateRun, InputFile
from policies.gate.exceptions import ExceptionsFile, ExceptionsFileError, load_exceptions
from policies.gate.files import relative, sha256_file, terraform_files
from policies.gate.inline_skips import find_inline_skips
from policies.gate.pack import PackError, integrity_problems, load_pack, pack_digest, pack_files
from policies.gate.records import ScanOutput
from policies.gate.results import Evaluation, Problem, evaluate

POLICIES_DIR = Path(__file__).resolve().parent.parent
EXIT_PASS, EXIT_FAIL, EXIT_USAGE = 0, 1, 2
# Console-only: the evidence stays free of values derived from the run date other than exception status.
_EXPIRY_WARNING_DAYS = 30
_PLAN_KEYS = ("format_version", "terraform_version", "planned_values")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m policies", description="payhooks PCI policy tooling")
    commands = parser.add_subparsers(dest="command", required=True)
    gate = commands.add_parser(
        "gate",
        help="run the PCI policy gate and write an evidence folder",
        description="Run the custom PCI checks and Checkov's built-in Terraform checks offline, apply the "
        "reviewed exceptions and write reports/<UTC time>-<commit>/ (evidence.json, report.html, "
        "results.sarif, junit.xml, SHA256SUMS). Exit 0 only without unexcepted failures.",
    )
    gate.add_argument(
        "--dir", type=Path, default=Path("infra"), help="Terraform root module (default: infra)"
    )
    gate.add_argument(
        "--plan", type=Path, help="`terraform show -json` plan to scan too, enriched from --dir"
    )
    gate.add_argument("--out", type=Path, default=Path("reports"), help="parent of evidence folders")
    gate.add_argument("--fast", action="store_true", help="custom PCI checks only (pre-commit)")
    gate.add_argument(
        "--files",
        type=Path,
        nargs="+",
        default=[],
        help="report only results located in these files (.tf files outside --dir are ignored)",
    )
    gate.add_argument("--checks-dir", type=Path, default=POLICIES_DIR / "checks", help=argparse.SUPPRESS)
    gate.add_argument(
        "--mapping", type=Path, default=POLICIES_DIR / "pci_mapping.yaml", help=argparse.SUPPRESS
    )
    gate.add_argument(
        "--exceptions", type=Path, default=POLICIES_DIR / "exceptions.yaml", help=argparse.SUPPRESS
    )
    return parser


def _files_filter(files: list[Path], directory: Path, base: Path) -> list[str]:
    root = directory.resolve()
    selected = []
    for path in files:
        resolved = path.resolve()
        if resolved.suffix == ".tf" and resolved.is_relative_to(root):
            selected.append(relative(resolved, base))
        else:
            print(f"gate: {path} is not a .tf file under {directory}: not gated", file=sys.stderr)
    return sorted(set(selected))


def _plan_problems(plan: Path, base: Path) -> list[Problem]:
    """Checkov silently scans nothing in a JSON file that is not a plan: fail closed instead."""
    where = relative(plan, base)
    try:
        document = json.loads(plan.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        return [Problem("parsing_error", f"plan is not readable JSON: {error}", where)]
    missing = [key for key in _PLAN_KEYS if not isinstance(document, dict) or key not in document]
    if missing:
        return [
            Problem("parsing_error", f"not a `terraform show -json` plan: no {', '.join(missing)}", where)
        ]
    return []


def _new_folder(out: Path, name: str) -> Path:
    """A fresh folder per run; a second run within the same second gets a numeric suffix."""
    out.mkdir(parents=True, exist_ok=True)
    for attempt in range(1, 1000):
        folder = out / (name if attempt == 1 else f"{name}-{attempt}")
        try:
            folder.mkdir()
        except FileExistsError:
            continue
        return folder
    raise FileExistsError(f"no free evidence folder name for {name} under {out}")


def _print_summary(evaluation: Evaluation, folder: Path, base: Path) -> None:
    summary = evaluation.summary
    states = Counter(status.status for status in evaluation.exceptions)
    print(
        f"PCI gate {summary['gate']}: {summary['blocking']} blocking; {summary['results']} results: "
        f"{summary['passed']} passed, {summary['failed']} failed, {summary['warning']} warnings, "
        f"{summary['excepted']} excepted, {summary['unevaluated']} unevaluated; exceptions: "
        f"{states['active']} active, {states['expired']} expired, {states['stale']} stale"
    )
    for problem in evaluation.problems:
        where = f" ({problem.file}{f':{problem.line}' if problem.line else ''})" if problem.file else ""
        print(f"  BLOCKING {problem.kind}{where}: {problem.message}")
    for finding in evaluation.blocking_findings():
        location = finding.raw.hcl_location or finding.raw.location
        unknown = " (UNKNOWN: fails closed)" if finding.raw.checkov_result == "UNKNOWN" else ""
        print(
            f"  FAILED {finding.raw.check_id}{unknown} {finding.raw.resource} "
            f"({location.file}:{location.start_line}, {finding.raw.source})"
        )
    for status in evaluation.exceptions:
        exception = status.exception
        if status.status == "stale":
            print(f"  WARNING stale exception {exception.check_id} on {exception.resource}")
        elif status.status == "active" and status.days_to_expiry <= _EXPIRY_WARNING_DAYS:
            print(
                f"  WARNING exception {exception.check_id} on {exception.resource} expires "
                f"{exception.expiry.isoformat()}: review it"
            )
    for finding in evaluation.findings:
        if finding.outcome == "warning":
            print(f"  WARNING {finding.raw.check_id} {finding.raw.resource} (soft-fail)")
    shown = relative(folder, base) if folder.resolve().is_relative_to(base) else str(folder.resolve())
    print(f"evidence: {shown}/")


def run_gate(args: argparse.Namespace, argv: list[str]) -> int:
    started = time.monotonic()
    base = run_metadata.repository_root(Path.cwd())
    directory: Path = args.dir
    if not directory.is_dir():
        print(f"gate: --dir {directory} is not a directory", file=sys.stderr)
        return EXIT_USAGE
    if args.plan is not None and not args.plan.is_file():
        print(f"gate: --plan {args.plan} is not a file", file=sys.stderr)
        return EXIT_USAGE
    files_filter = _files_filter(args.files, directory, base) if args.files else []
    if args.files and not files_filter:
        print(f"gate: no .tf file under {directory} among --files: nothing to gate")
        return EXIT_PASS
    try:
        pack = load_pack(args.mapping, args.checks_dir)
    except PackError as error:
        print(f"gate: policy pack mapping unusable: {error}", file=sys.stderr)
        return EXIT_USAGE

    # Imported here: loading Checkov takes a second, `--help` and argument errors should not wait for it.
    from policies.gate.scanner import CHECKOV_VERSION, scan

    metadata = run_metadata.collect(base, CHECKOV_VERSION)
    problems: list[Problem] = []
    try:
        exceptions = load_exceptions(args.exceptions)
    except ExceptionsFileError as error:
        problems.append(Problem("exceptions_file", str(error), relative(args.exceptions, base)))
        exceptions = ExceptionsFile((), ())
    tf_files = terraform_files(directory)
    if not tf_files:
        problems.append(Problem("no_input", f"no Terraform files under {relative(directory, base)}"))
    if args.plan is not None:
        problems.extend(_plan_problems(args.plan, base))

    output: ScanOutput = scan(directory, args.plan, pack, base, custom_only=args.fast)
    problems.extend(
        Problem("policy_pack", message) for message in integrity_problems(pack, output.loaded_pack_checks)
    )
    if files_filter:
        wanted = set(files_filter)
        output.results = [
            result
            for result in output.results
            if result.location.file in wanted or (result.hcl_location and result.hcl_location.file in wanted)
        ]
    skips = find_inline_skips([path for path in tf_files if path.suffix == ".tf"], base)
    evaluation = evaluate(output, pack, exceptions, skips, problems, metadata.started_at.date(), args.fast)

    files_of_pack = pack_files(pack, args.exceptions, base)
    inputs = [InputFile(relative(path, base), sha256_file(path), "terraform") for path in tf_files]
    if args.plan is not None:
        inputs.append(InputFile(relative(args.plan, base), sha256_file(args.plan), "plan"))
    inputs.extend(InputFile(file.path, file.sha256, "policy_pack") for file in files_of_pack)
    inputs.sort(key=lambda item: item.path)

    run = GateRun(
        metadata=metadata,
        duration_seconds=time.monotonic() - started,
        pack=pack,
        pack_files=files_of_pack,
        pack_sha256=pack_digest(files_of_pack),
        evaluation=evaluation,
        mode="fast" if args.fast else "full",
        command=f"python -m policies {shlex.join(argv)}",
        directory=relative(directory, base),
        plan=relative(args.plan, base) if args.plan is not None else None,
        files_filter=files_filter,
        inputs=inputs,
    )
    folder = _write_evidence(run, args.out, base)
    _print_summary(evaluation, folder, base)
    return EXIT_PASS if evaluation.passed else EXIT_FAIL


def _write_evidence(run: GateRun, out: Path, base: Path) -> Path:
    """The run's new evidence folder: the four reports, then SHA256SUMS over the inputs and them."""
    folder = _new_folder(out, run.metadata.folder_name)
    evidence = evidence_json.build_evidence(run)
    writers = (
        ("evidence.json", evidence_json.write_json),
        ("report.html", report_html.write_html),
        ("results.sarif", sarif.write_sarif),
        ("junit.xml", junit.write_junit),
    )
    for name, write in writers:
        write(folder / name, evidence)
    checksums.write_sha256sums(
        folder / "SHA256SUMS",
        [(item.path, item.sha256) for item in run.inputs],
        [folder / name for name, _ in writers],
        base,
    )
    return folder


def main(argv: list[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(arguments)
    return run_gate(args, arguments)
