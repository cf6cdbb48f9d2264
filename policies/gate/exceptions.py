"""The reviewed exceptions file: approved failures (with expiry) and known deviations.

Matching rule: an exception covers a result when its `check_id` equals the result's check id and its
`resource` equals the result's Terraform address, either exactly (`module.validator.aws_lambda_function.this`,
`aws_sqs_queue.dlq["a"]`) or with every instance key removed (`aws_sqs_queue.dlq` covers all its
`count`/`for_each` instances). Module resources are named by their full module path, as in a plan. Checkov
names data sources without the `data.` prefix; both spellings match. The same address matches the HCL
scan and the plan scan, so one entry covers both.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

_INSTANCE_KEY = re.compile(r'\[(?:"(?:[^"\\]|\\.)*"|[^\]"]*)\]')
_EXCEPTION_KEYS = ("check_id", "resource", "justification", "compensating_control", "approver", "expiry")
_DEVIATION_KEYS = ("check_id", "title", "note")


class ExceptionsFileError(ValueError):
    """The exceptions file does not follow the schema; no entry of it can be trusted."""


@dataclass(frozen=True)
class PolicyException:
    check_id: str
    resource: str
    justification: str
    compensating_control: str
    approver: str
    expiry: dt.date

    def is_expired(self, today: dt.date) -> bool:
        """An exception is valid through its expiry date, inclusive."""
        return today > self.expiry

    def covers(self, check_id: str, resource: str) -> bool:
        if check_id != self.check_id:
            return False
        wanted = self.resource.removeprefix("data.")
        return wanted in (resource, strip_instance_keys(resource))


@dataclass(frozen=True)
class Deviation:
    """A known, accepted deviation evidenced by a soft-fail check (a warning that never blocks)."""

    check_id: str
    title: str
    note: str


@dataclass(frozen=True)
class ExceptionsFile:
    exceptions: tuple[PolicyException, ...]
    deviations: tuple[Deviation, ...]


def strip_instance_keys(address: str) -> str:
    return _INSTANCE_KEY.sub("", address)


def _text(entry: dict[str, Any], key: str, where: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ExceptionsFileError(f"{where}: `{key}` must be a non-empty string")
    return " ".join(value.split())


def _date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as error:
        raise ExceptionsFileError(f"{where}: `expiry` must be a date (YYYY-MM-DD), got {value!r}") from error


def _entries(raw: dict[str, Any], section: str, allowed: tuple[str, ...]) -> list[dict[str, Any]]:
    entries = raw.get(section)
    if entries is None:
        return []
    if not isinstance(entries, list):
        raise ExceptionsFileError(f"`{section}` must be a list")
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise ExceptionsFileError(f"{section}[{index}]: expected a mapping")
        unknown = sorted(set(entry) - set(allowed))
        if unknown:
            raise ExceptionsFileError(f"{section}[{index}]: unknown field(s) {', '.join(unknown)}")
    return entries


def load_exceptions(path: Path) -> ExceptionsFile:
    """Parse and validate the file; a missing file means no exceptions."""
    if not path.is_file():
        return ExceptionsFile((), ())
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        raise ExceptionsFileError(f"not valid YAML: {error}") from error
    if not isinstance(raw, dict):
        raise ExceptionsFileError("expected a mapping with `exceptions` and `deviations` lists")
    unknown_sections = sorted(set(raw) - {"exceptions", "deviations"})
    if unknown_sections:
        raise ExceptionsFileError(f"unknown top-level key(s) {', '.join(unknown_sections)}")

    exceptions = []
    for index, entry in enumerate(_entries(raw, "exceptions", _EXCEPTION_KEYS)):
        where = f"exceptions[{index}]"
        fields = {key: _text(entry, key, where) for key in _EXCEPTION_KEYS if key != "expiry"}
        if "expiry" not in entry:
            raise ExceptionsFileError(f"{where}: `expiry` is required")
        exceptions.append(PolicyException(**fields, expiry=_date(entry["expiry"], where)))
    keys = [(exception.check_id, exception.resource) for exception in exceptions]
    duplicates = sorted({key for key in keys if keys.count(key) > 1})
    if duplicates:
        raise ExceptionsFileError(
            "duplicate exception(s): " + ", ".join(f"{check} on {resource}" for check, resource in duplicates)
        )

    deviations = [
        Deviation(**{key: _text(entry, key, f"deviations[{index}]") for key in _DEVIATION_KEYS})
        for index, entry in enumerate(_entries(raw, "deviations", _DEVIATION_KEYS))
    ]
    return ExceptionsFile(
        tuple(sorted(exceptions, key=lambda e: (e.check_id, e.resource))),
        tuple(sorted(deviations, key=lambda d: d.check_id)),
    )
