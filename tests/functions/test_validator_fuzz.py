"""Property-based fuzzing of the validator: any event gets a JSON answer, and unsigned or wrongly signed
input is never accepted (never 2xx), whatever the headers, body and base64 flag."""

from __future__ import annotations

import base64
import json
import time

from fn_testkit import FUZZ_STATS, STANDARD_SECRET, launch_stack, standard_headers, stripe_headers, validator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

MAX_EXAMPLES = 300
SIGNATURE_HEADERS = [
    "Stripe-Signature",
    "stripe-signature",
    "webhook-id",
    "webhook-timestamp",
    "webhook-signature",
]

header_names = st.one_of(st.sampled_from(SIGNATURE_HEADERS), st.text(min_size=1, max_size=20))
header_values = st.one_of(
    st.text(max_size=60),
    st.builds(
        lambda t, sig: f"t={t},v1={sig}", st.integers(0, 2**40), st.text("0123456789abcdef", max_size=64)
    ),
    st.builds(lambda sig: f"v1,{sig}", st.text(max_size=44)),
    st.just(str(int(time.time()))),
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)
payloads = st.one_of(
    st.binary(max_size=300),
    st.builds(lambda v: json.dumps(v).encode(), json_values),
    st.builds(
        lambda i, t, o: json.dumps({"id": i, "type": t, "data": {"object": {"id": o}, "id": o}}).encode(),
        st.text(max_size=20),
        st.text(max_size=10),
        st.text(max_size=10),
    ),
)
wrong_secrets = st.sampled_from(
    ["whsec_wrong", "whsec_", "x", "whsec_c3RhbmRhcmQtd2ViaG9va3MtdGVzdC1rZXktMzItYnl0ZXMh"]
)


@st.composite
def hostile_events(draw):
    body = draw(payloads)
    headers = draw(st.one_of(st.none(), st.dictionaries(header_names, header_values, max_size=6)))
    mode = draw(
        st.sampled_from(["random", "stripe_wrong_key", "standard_wrong_key", "standard_whsec_as_key"])
    )
    if mode == "stripe_wrong_key":
        headers = {**(headers or {}), **stripe_headers(body, secrets=(draw(wrong_secrets),))}
    elif mode == "standard_wrong_key":
        headers = {
            **(headers or {}),
            **standard_headers(body, keys=(draw(st.binary(min_size=1, max_size=40)),)),
        }
    elif mode == "standard_whsec_as_key":
        headers = {**(headers or {}), **standard_headers(body, keys=(STANDARD_SECRET.encode(),))}
    base64_flag = draw(st.sampled_from([True, False, None, "true"]))
    if base64_flag is True and draw(st.booleans()):
        body_field = base64.b64encode(body).decode()
    else:
        body_field = draw(
            st.one_of(st.just(body.decode("utf-8", "replace")), st.none(), st.text(max_size=50))
        )
    multi = draw(
        st.one_of(
            st.none(),
            st.just({name: [value] for name, value in (headers or {}).items()}),
            st.dictionaries(header_names, st.lists(header_values, max_size=3), max_size=4),
        )
    )
    return {
        "headers": headers,
        "multiValueHeaders": multi,
        "body": body_field,
        "isBase64Encoded": base64_flag,
    }


def test_validator_never_crashes_and_never_accepts_unsigned_input(mocked_aws, monkeypatch, lambda_context):
    ran = []

    with launch_stack(monkeypatch) as stack:

        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        )
        @given(event=hostile_events())
        def fuzz(event):
            ran.append(1)
            response = validator.lambda_handler(event, lambda_context)
            # THEN always a proxy response with an int status and a JSON object body
            assert isinstance(response, dict)
            assert isinstance(response["statusCode"], int)
            assert isinstance(json.loads(response["body"]), dict)
            # AND never a 2xx, since nothing here is signed with an active key
            assert not 200 <= response["statusCode"] < 300, response

        fuzz()
        assert stack.items() == []
        assert stack.receive_queued() == []

    FUZZ_STATS["validator fuzz"] = len(ran)
    print(f"validator fuzz: {len(ran)} cases")
    assert len(ran) >= MAX_EXAMPLES
