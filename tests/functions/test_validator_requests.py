"""Bad input and configuration of the validator: 4xx answers with nothing stored or queued, 5xx for config."""

from __future__ import annotations

import json

import pytest
from fn_testkit import (
    STRIPE_SECRET,
    apigw_event,
    response_json,
    signed_stripe_event,
    standard_headers,
    standard_payload,
    stripe_headers,
    stripe_payload,
    to_bytes,
    validator,
)


def invoke(event, context):
    response = validator.lambda_handler(event, context)
    return response["statusCode"], response_json(response)


def assert_nothing_stored_or_queued(stack):
    assert stack.items() == []
    assert stack.receive_queued() == []


@pytest.mark.parametrize(
    "body",
    [b"{not json", b"", b"[1, 2, 3]", b'"a string"', b"\xff\xfe\x00garbage", b'{"id": "evt_1"'],
)
def test_malformed_signed_body_is_a_400(stack, lambda_context, body):
    # GIVEN a correctly signed body that is not a JSON object
    event = apigw_event(body, stripe_headers(body), base64_encoded=not body.isascii())
    # WHEN / THEN it is a 400 and nothing is stored or queued
    assert invoke(event, lambda_context) == (400, {"error": "malformed body"})
    assert_nothing_stored_or_queued(stack)


@pytest.mark.parametrize("payload_id", [None, "", "   ", 42, ["evt_1"], {"id": "evt_1"}])
def test_stripe_payload_without_string_id_is_a_400(stack, lambda_context, payload_id):
    payload = stripe_payload()
    if payload_id is None:
        del payload["id"]
    else:
        payload["id"] = payload_id
    assert invoke(signed_stripe_event(payload), lambda_context) == (400, {"error": "missing or invalid id"})
    assert_nothing_stored_or_queued(stack)


def test_stripe_id_longer_than_dynamodb_allows_is_a_400(stack, lambda_context):
    payload = stripe_payload(id="evt_" + "x" * 1100)
    assert invoke(signed_stripe_event(payload), lambda_context) == (400, {"error": "missing or invalid id"})


def test_stripe_id_with_lone_surrogate_is_a_400(stack, lambda_context):
    body = b'{"id": "evt_\\ud800", "type": "charge.succeeded"}'
    assert invoke(apigw_event(body, stripe_headers(body)), lambda_context) == (
        400,
        {"error": "missing or invalid id"},
    )


def test_standard_webhooks_with_empty_id_header_is_rejected(stack, lambda_context):
    body = to_bytes(standard_payload())
    headers = standard_headers(body, webhook_id="")
    status, _ = invoke(apigw_event(body, headers), lambda_context)
    assert status == 401
    assert_nothing_stored_or_queued(stack)


def test_unsigned_malformed_body_is_a_401_not_a_400(stack, lambda_context):
    # Unauthenticated input is never parsed: the signature is checked first.
    assert invoke(apigw_event(b"{not json", {}), lambda_context)[0] == 401


def test_invalid_base64_body_is_a_400(stack, lambda_context):
    event = apigw_event(b"{}", stripe_headers(b"{}"))
    event["isBase64Encoded"] = True
    event["body"] = "not base64!!"
    assert invoke(event, lambda_context) == (400, {"error": "malformed request"})


# ---- size -----------------------------------------------------------------------------------------


def test_body_over_the_default_limit_is_a_413(stack, lambda_context):
    # GIVEN a signed body of 262145 bytes (limit 262144)
    payload = stripe_payload(padding="")
    base = len(json.dumps(payload).encode())
    payload["padding"] = "x" * (262145 - base)
    body = json.dumps(payload).encode()
    assert len(body) == 262145
    # WHEN / THEN it is refused before anything is stored
    assert invoke(apigw_event(body, stripe_headers(body)), lambda_context) == (
        413,
        {"error": "body too large"},
    )
    assert_nothing_stored_or_queued(stack)


def test_body_at_the_limit_is_accepted(stack, lambda_context, monkeypatch):
    monkeypatch.setenv("MAX_BODY_BYTES", "4096")
    payload = stripe_payload(padding="")
    payload["padding"] = "x" * (4096 - len(json.dumps(payload).encode()))
    body = json.dumps(payload).encode()
    assert len(body) == 4096
    assert invoke(apigw_event(body, stripe_headers(body)), lambda_context)[0] == 200


def test_size_limit_applies_to_the_decoded_base64_body(stack, lambda_context, monkeypatch):
    # GIVEN a 3000-byte body whose base64 form (4000 chars) exceeds a 3500-byte limit
    monkeypatch.setenv("MAX_BODY_BYTES", "3500")
    payload = stripe_payload(padding="")
    payload["padding"] = "x" * (3000 - len(json.dumps(payload).encode()))
    body = json.dumps(payload).encode()
    event = apigw_event(body, stripe_headers(body), base64_encoded=True)
    assert len(event["body"]) > 3500
    # WHEN / THEN the decoded size counts, and it fits
    assert invoke(event, lambda_context)[0] == 200
    # AND a decoded body over the limit is refused
    monkeypatch.setenv("MAX_BODY_BYTES", "2999")
    assert invoke(event, lambda_context)[0] == 413


# ---- signing secret document ----------------------------------------------------------------------


def test_scheme_with_empty_secret_list_is_not_accepted(stack, lambda_context):
    # GIVEN the secret lists no Stripe secrets (an empty list) but Standard Webhooks ones
    stack.put_secret({"stripe": [], "standard_webhooks": ["whsec_" + "c2VjcmV0LWtleS1ieXRlcw=="]})
    # WHEN a (formerly valid) Stripe delivery arrives THEN the scheme is not accepted
    assert invoke(signed_stripe_event(), lambda_context)[0] == 401
    assert_nothing_stored_or_queued(stack)


def test_scheme_missing_from_the_secret_is_not_accepted(stack, lambda_context):
    stack.put_secret({"stripe": [STRIPE_SECRET]})
    body = to_bytes(standard_payload())
    assert invoke(apigw_event(body, standard_headers(body)), lambda_context)[0] == 401


@pytest.mark.parametrize("entries", [[""], [None], [42], ["whsec_!!!not-base64!!!"]])
def test_unusable_standard_webhooks_entries_are_dropped(stack, lambda_context, entries):
    stack.put_secret({"stripe": [STRIPE_SECRET], "standard_webhooks": entries})
    body = to_bytes(standard_payload())
    assert invoke(apigw_event(body, standard_headers(body)), lambda_context)[0] == 401
    assert invoke(signed_stripe_event(), lambda_context)[0] == 200


@pytest.mark.parametrize("document", ["not json", "[]", '"whsec_x"'])
def test_secret_that_is_not_a_json_object_is_a_500(stack, lambda_context, document):
    stack.secrets.put_secret_value(SecretId=stack.secret_arn, SecretString=document)
    validator.signing_keys.clear()
    assert invoke(signed_stripe_event(), lambda_context) == (500, {"error": "signing keys unavailable"})
    assert_nothing_stored_or_queued(stack)


def test_secret_is_cached_for_at_most_five_minutes(stack, lambda_context, monkeypatch):
    # GIVEN a cache whose clock we control, primed by one delivery
    clock = [1000.0]
    monkeypatch.setattr(validator.signing_keys, "_clock", lambda: clock[0])
    validator.signing_keys.clear()
    assert invoke(signed_stripe_event(), lambda_context)[0] == 200
    # WHEN the Stripe secret is rotated away in Secrets Manager
    stack.secrets.put_secret_value(
        SecretId=stack.secret_arn, SecretString=json.dumps({"stripe": ["whsec_new"]})
    )
    # THEN the cached keys still serve for just under five minutes
    clock[0] += 299
    assert invoke(signed_stripe_event(stripe_payload(id="evt_2")), lambda_context)[0] == 200
    # AND after five minutes the new document is read
    clock[0] += 2
    assert invoke(signed_stripe_event(stripe_payload(id="evt_3")), lambda_context)[0] == 401
    assert (
        invoke(signed_stripe_event(stripe_payload(id="evt_4"), secrets=("whsec_new",)), lambda_context)[0]
        == 200
    )


# ---- configuration --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["TABLE_NAME", "QUEUE_URL", "SIGNING_SECRET_ARN"])
def test_missing_required_environment_is_a_500(stack, lambda_context, monkeypatch, name):
    monkeypatch.delenv(name)
    assert invoke(signed_stripe_event(), lambda_context) == (500, {"error": "internal error"})


@pytest.mark.parametrize("name", ["SIGNATURE_TOLERANCE_SECONDS", "RETENTION_DAYS", "MAX_BODY_BYTES"])
@pytest.mark.parametrize("value", ["abc", "0", "-5"])
def test_invalid_optional_environment_is_a_500(stack, lambda_context, monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    assert invoke(signed_stripe_event(), lambda_context) == (500, {"error": "internal error"})


@pytest.mark.parametrize("event", [None, [], "text", {"body": 42, "headers": {}}, {"headers": {"a": None}}])
def test_events_that_are_not_api_gateway_requests_get_a_json_4xx(stack, lambda_context, event):
    response = validator.lambda_handler(event, lambda_context)
    assert response["statusCode"] in (400, 401)
    assert "error" in response_json(response)


def test_handler_works_without_a_lambda_context(stack):
    # The local emulator may invoke the handler without a context object.
    assert validator.lambda_handler(signed_stripe_event(), None)["statusCode"] == 200


def test_responses_never_echo_payload_or_headers(stack, lambda_context):
    payload = stripe_payload()
    event = signed_stripe_event(payload)
    for response in (
        validator.lambda_handler(event, lambda_context),
        validator.lambda_handler(event, lambda_context),
        validator.lambda_handler(
            apigw_event(event["body"].encode(), {"Stripe-Signature": "t=1,v1=00"}), None
        ),
    ):
        assert "card ending" not in response["body"]
        assert "v1=" not in response["body"]
        assert set(response) == {"statusCode", "headers", "body"}
        assert response["headers"]["Content-Type"] == "application/json"
