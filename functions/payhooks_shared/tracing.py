"""AWS X-Ray tracing: boto3 calls become subsegments; our subsegments carry findable annotations.

Inside Lambda (active tracing) the runtime provides the segment. Anywhere else (tests, tools, the local
emulator) there is neither a daemon nor a segment: a missing context is ignored and the SDK is switched off
unless `AWS_XRAY_SDK_ENABLED` says otherwise, so nothing warns about missing segments on every AWS call.
Annotations hold identifiers and outcomes only, never payload content.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Union

os.environ.setdefault("AWS_XRAY_CONTEXT_MISSING", "IGNORE_ERROR")

from aws_xray_sdk import global_sdk_config
from aws_xray_sdk.core import patch, xray_recorder

AnnotationValue = Union[str, int, float, bool]
_MAX_ANNOTATION_CHARS = 250

patch(("botocore",))
if "AWS_LAMBDA_FUNCTION_NAME" not in os.environ and "AWS_XRAY_SDK_ENABLED" not in os.environ:
    global_sdk_config.set_sdk_enabled(False)


class Span:
    """A subsegment that may not exist (no active segment): annotating it is then a no-op."""

    def __init__(self, subsegment: Any) -> None:
        self._subsegment = subsegment

    def annotate(self, **annotations: AnnotationValue | None) -> None:
        if self._subsegment is None:
            return
        for key, value in annotations.items():
            if value is None:
                continue
            if isinstance(value, str):
                value = value[:_MAX_ANNOTATION_CHARS]
            self._subsegment.put_annotation(key, value)


@contextmanager
def span(name: str) -> Iterator[Span]:
    """Open a subsegment under the current segment when there is one; otherwise yield an inert span."""
    if xray_recorder.get_trace_entity() is None:
        yield Span(None)
        return
    subsegment = xray_recorder.begin_subsegment(name)
    try:
        yield Span(subsegment)
    except Exception as error:
        if subsegment is not None:
            subsegment.add_exception(error, [])
        raise
    finally:
        if subsegment is not None:
            xray_recorder.end_subsegment()
