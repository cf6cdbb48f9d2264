"""Signature verification of the validator, through the handler, for both schemes (moto in-process)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import pytest
from fn_testkit import (
    STANDARD_KEY,
    STANDARD_OLD_KEY,
    STANDARD_OLD_SECRET,
    STANDARD_SECRET,
    STRIPE_OLD_SECRET,
    STRIPE_SECRET,
    apigw_event,
    response_json,
    standard_headers,
    standard_payload,
    stripe_headers,
    stripe_payload,
    to_bytes,
    validator,
)

UNAUTHORIZED = {"error": "signature verification failed"}


def invoke(event, context):
    response = validator.lambda_handler(event, context)
    return response["statusCode"], response_json(response)


def stripe_event(body: bytes, **kwargs):
    return apigw_event(body, stripe_headers(body, **kwargs))


def standard_event(body: bytes, **kwargs):
    return apigw_event(body, standard_headers(body, **kwargs))


# ---- valid signatures -----------------------------------------------------------------------------


def test_valid_stripe_signature_is_accepted(stack, lambda_context):
    # GIVEN a Stripe event signed with the active secret
    body = to_bytes(stripe_payload())
    # WHEN it is delivered
    status, answer = invoke(stripe_event(body), lambda_context)
    # THEN it is accepted under its event id and stored
    assert (status, answer) == (200, {"webhook_id": "evt_3PqRsT2eZvKYlo2C1a2b3c4d", "status": "accepted"})
    assert stack.item("evt_3PqRsT2eZvKYlo2C1a2b3c4d")["provider"] == {"S": "stripe"}


def test_valid_standard_webhooks_signature_is_accepted(stack, lambda_context):
    # GIVEN a Standard Webhooks delivery signed with the decoded key
    body = to_bytes(standard_payload())
    # WHEN it is delivered
    status, answer = invoke(standard_event(body, webhook_id="msg_p5jXN8AQM9LWM0D4loKWxJek"), lambda_context)
    # THEN the webhook id comes from the `webhook-id` header
    assert (status, answer) == (200, {"webhook_id": "msg_p5jXN8AQM9LWM0D4loKWxJek", "status": "accepted"})
    assert stack.item("msg_p5jXN8AQM9LWM0D4loKWxJek")["provider"] == {"S": "standard_webhooks"}


def test_standard_webhooks_reference_vector_is_accepted(stack, lambda_context, monkeypatch):
    # GIVEN the Standard Webhooks specification's example secret, id, timestamp, body and signature
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = b'{"test": 2432232314}'
    headers = {
        "webhook-id": "msg_p5jXN8AQM9LWM0D4loKWxJek",
        "webhook-timestamp": "1614265330",
        "webhook-signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
    }
    stack.put_secret({"standard_webhooks": [secret]})
    monkeypatch.setattr(validator, "now_epoch", lambda: 1614265330.0)
    # WHEN it is delivered at that time
    status, answer = invoke(apigw_event(body, headers), lambda_context)
    # THEN it verifies
    assert (status, answer) == (200, {"webhook_id": "msg_p5jXN8AQM9LWM0D4loKWxJek", "status": "accepted"})


def test_stripe_header_with_several_v1_signatures_is_accepted_when_one_matches(stack, lambda_context):
    # GIVEN a Stripe header with a signature from an unknown secret followed by a valid one
    body = to_bytes(stripe_payload())
    event = stripe_event(body, secrets=("whsec_unknown", STRIPE_SECRET))
    # WHEN / THEN it is accepted
    assert invoke(event, lambda_context)[0] == 200


# ---- rotation -------------------------------------------------------------------------------------


@pytest.mark.parametrize("signing_secret", [STRIPE_SECRET, STRIPE_OLD_SECRET])
def test_stripe_rotation_accepts_each_active_secret(stack, lambda_context, signing_secret):
    # GIVEN two active Stripe secrets during a rotation
    stack.put_secret({"stripe": [STRIPE_SECRET, STRIPE_OLD_SECRET]})
    body = to_bytes(stripe_payload())
    # WHEN a delivery is signed with either
    status, _ = invoke(stripe_event(body, secrets=(signing_secret,)), lambda_context)
    # THEN it is accepted
    assert status == 200


@pytest.mark.parametrize("signing_key", [STANDARD_KEY, STANDARD_OLD_KEY])
def test_standard_webhooks_rotation_accepts_each_active_secret(stack, lambda_context, signing_key):
    stack.put_secret({"standard_webhooks": [STANDARD_SECRET, STANDARD_OLD_SECRET]})
    body = to_bytes(standard_payload())
    status, _ = invoke(standard_event(body, keys=(signing_key,)), lambda_context)
    assert status == 200


def test_retired_secret_is_rejected_after_rotation(stack, lambda_context):
    # GIVEN the old Stripe secret was removed from the active list
    stack.put_secret({"stripe": [STRIPE_SECRET]})
    body = to_bytes(stripe_payload())
    # WHEN a delivery is signed with the retired secret
    status, answer = invoke(stripe_event(body, secrets=(STRIPE_OLD_SECRET,)), lambda_context)
    # THEN it is rejected
    assert (status, answer) == (401, UNAUTHORIZED)


# ---- invalid, tampered, stale and future signatures -----------------------------------------------


@pytest.mark.parametrize("scheme", ["stripe", "standard_webhooks"])
def test_signature_from_unknown_secret_is_rejected(stack, lambda_context, scheme):
    body = to_bytes(stripe_payload() if scheme == "stripe" else standard_payload())
    event = (
        stripe_event(body, secrets=("whsec_attacker",))
        if scheme == "stripe"
        else standard_event(body, keys=(b"attacker-key",))
    )
    assert invoke(event, lambda_context) == (401, UNAUTHORIZED)
    assert stack.items() == []


@pytest.mark.parametrize("scheme", ["stripe", "standard_webhooks"])
def test_tampered_body_is_rejected(stack, lambda_context, scheme):
    # GIVEN a correctly signed delivery whose body is changed afterwards (amount 2000 -> 2)
    body = to_bytes(stripe_payload() if scheme == "stripe" else standard_payload())
    event = stripe_event(body) if scheme == "stripe" else standard_event(body)
    event["body"] = event["body"].replace("2000", "2").replace("4999", "1")
    assert event["body"].encode() != body
    # WHEN / THEN it is rejected and nothing is stored
    assert invoke(event, lambda_context) == (401, UNAUTHORIZED)
    assert stack.items() == []
    assert stack.receive_queued() == []


def test_tampered_standard_webhooks_id_is_rejected(stack, lambda_context):
    body = to_bytes(standard_payload())
    event = standard_event(body, webhook_id="msg_original")
    event["headers"]["webhook-id"] = event["multiValueHeaders"]["webhook-id"][0] = "msg_replayed_as_other"
    assert invoke(event, lambda_context) == (401, UNAUTHORIZED)


def test_tampered_stripe_timestamp_is_rejected(stack, lambda_context):
    body = to_bytes(stripe_payload())
    now = int(time.time())
    signature = stripe_headers(body, timestamp=now - 100)["Stripe-Signature"].split(",", 1)[1]
    event = apigw_event(body, {"Stripe-Signature": f"t={now},{signature}"})
    assert invoke(event, lambda_context) == (401, UNAUTHORIZED)


@pytest.mark.parametrize("offset", [-301, 301, -86400, 10**9])
@pytest.mark.parametrize("scheme", ["stripe", "standard_webhooks"])
def test_timestamps_outside_tolerance_are_rejected(stack, lambda_context, scheme, offset):
    # GIVEN a correct signature over a timestamp older (replay) or newer (future) than the 300 s tolerance
    timestamp = int(time.time()) + offset
    body = to_bytes(stripe_payload() if scheme == "stripe" else standard_payload())
    event = (
        stripe_event(body, timestamp=timestamp)
        if scheme == "stripe"
        else standard_event(body, timestamp=timestamp)
    )
    # WHEN / THEN it is rejected as stale
    assert invoke(event, lambda_context) == (401, UNAUTHORIZED)
    assert stack.items() == []


@pytest.mark.parametrize("offset", [-290, 290])
@pytest.mark.parametrize("scheme", ["stripe", "standard_webhooks"])
def test_timestamps_inside_tolerance_are_accepted(stack, lambda_context, scheme, offset):
    timestamp = int(time.time()) + offset
    body = to_bytes(stripe_payload() if scheme == "stripe" else standard_payload())
    event = (
        stripe_event(body, timestamp=timestamp)
        if scheme == "stripe"
        else standard_event(body, timestamp=timestamp)
    )
    assert invoke(event, lambda_context)[0] == 200


def test_tolerance_comes_from_the_environment(stack, lambda_context, monkeypatch):
    # GIVEN a 60-second tolerance
    monkeypatch.setenv("SIGNATURE_TOLERANCE_SECONDS", "60")
    body = to_bytes(stripe_payload())
    # WHEN a delivery signed 120 s ago arrives THEN it is stale
    assert invoke(stripe_event(body, timestamp=int(time.time()) - 120), lambda_context)[0] == 401


@pytest.mark.parametrize(
    "header",
    [
        "v1=deadbeef",
        "t=notanumber,v1=00",
        "t=,v1=00",
        "t=1,t=2,v1=00",
        "t=99999999999999999999,v1=00",
        "garbage",
        "",
    ],
)
def test_malformed_stripe_headers_are_rejected(stack, lambda_context, header):
    body = to_bytes(stripe_payload())
    assert invoke(apigw_event(body, {"Stripe-Signature": header}), lambda_context) == (401, UNAUTHORIZED)


def test_standard_webhooks_signature_of_other_version_is_rejected(stack, lambda_context):
    body = to_bytes(standard_payload())
    headers = standard_headers(body)
    headers["webhook-signature"] = headers["webhook-signature"].replace("v1,", "v1a,")
    assert invoke(apigw_event(body, headers), lambda_context) == (401, UNAUTHORIZED)


@pytest.mark.parametrize("missing", ["webhook-id", "webhook-timestamp"])
def test_standard_webhooks_without_id_or_timestamp_header_is_rejected(stack, lambda_context, missing):
    body = to_bytes(standard_payload())
    headers = standard_headers(body)
    del headers[missing]
    assert invoke(apigw_event(body, headers), lambda_context) == (401, UNAUTHORIZED)


def test_unsigned_request_is_rejected(stack, lambda_context):
    assert invoke(apigw_event(to_bytes(stripe_payload()), {}), lambda_context) == (401, UNAUTHORIZED)


def test_request_with_both_schemes_headers_is_rejected(stack, lambda_context):
    # GIVEN a delivery carrying valid signature headers of both schemes (ambiguous: fail closed)
    body = to_bytes(stripe_payload())
    event = apigw_event(body, {**stripe_headers(body), **standard_headers(body)})
    assert invoke(event, lambda_context) == (401, UNAUTHORIZED)


# ---- Standard Webhooks key derivation -------------------------------------------------------------


def test_standard_webhooks_signed_with_the_whsec_string_as_key_is_rejected(stack, lambda_context):
    # GIVEN a sender that keys the HMAC with the literal `whsec_...` string instead of its decoded bytes
    body = to_bytes(standard_payload())
    headers = standard_headers(body, keys=(STANDARD_SECRET.encode(),))
    # WHEN / THEN the signature does not verify
    assert invoke(apigw_event(body, headers), lambda_context) == (401, UNAUTHORIZED)


def test_standard_webhooks_signed_with_the_undecoded_base64_as_key_is_rejected(stack, lambda_context):
    body = to_bytes(standard_payload())
    headers = standard_headers(body, keys=(STANDARD_SECRET.removeprefix("whsec_").encode(),))
    assert invoke(apigw_event(body, headers), lambda_context) == (401, UNAUTHORIZED)


def test_stripe_signed_with_the_secret_without_prefix_is_rejected(stack, lambda_context):
    # GIVEN Stripe's key is the secret string as-is, `whsec_` included
    body = to_bytes(stripe_payload())
    event = stripe_event(body, secrets=(STRIPE_SECRET.removeprefix("whsec_"),))
    assert invoke(event, lambda_context) == (401, UNAUTHORIZED)


# ---- header case and multi-value headers ----------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["Stripe-Signature", "stripe-signature", "STRIPE-SIGNATURE", "sTrIpE-sIgNaTuRe"]
)
def test_stripe_header_name_is_case_insensitive(stack, lambda_context, name):
    body = to_bytes(stripe_payload())
    event = apigw_event(body, {name: stripe_headers(body)["Stripe-Signature"]})
    assert invoke(event, lambda_context)[0] == 200


@pytest.mark.parametrize("transform", [str.upper, str.title, str.lower])
def test_standard_webhooks_header_names_are_case_insensitive(stack, lambda_context, transform):
    body = to_bytes(standard_payload())
    headers = {transform(name): value for name, value in standard_headers(body).items()}
    assert invoke(apigw_event(body, headers), lambda_context)[0] == 200


def test_headers_only_in_multi_value_headers_are_used(stack, lambda_context):
    # GIVEN an event whose `headers` is None (API Gateway sends that when there are none in one of the maps)
    body = to_bytes(stripe_payload())
    event = apigw_event(body, stripe_headers(body))
    event["headers"] = None
    assert invoke(event, lambda_context)[0] == 200


def test_headers_only_in_single_value_headers_are_used(stack, lambda_context):
    body = to_bytes(stripe_payload())
    event = apigw_event(body, stripe_headers(body))
    event["multiValueHeaders"] = None
    assert invoke(event, lambda_context)[0] == 200


def test_conflicting_values_of_a_signature_header_are_rejected(stack, lambda_context):
    # GIVEN two different Stripe-Signature values (names differing only in case): ambiguous, fail closed
    body = to_bytes(stripe_payload())
    event = apigw_event(body, stripe_headers(body))
    event["headers"]["stripe-signature"] = stripe_headers(body, secrets=("whsec_other",))["Stripe-Signature"]
    assert invoke(event, lambda_context) == (401, UNAUTHORIZED)


# ---- base64 bodies --------------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["stripe", "standard_webhooks"])
def test_base64_encoded_body_is_verified_over_the_decoded_bytes(stack, lambda_context, scheme):
    # GIVEN a body with non-ASCII bytes, which API Gateway base64-encodes (binary media type)
    payload = stripe_payload() if scheme == "stripe" else standard_payload()
    payload["note"] = "Zahlung über 20 €"
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    headers = stripe_headers(body) if scheme == "stripe" else standard_headers(body)
    event = apigw_event(body, headers, base64_encoded=True)
    # WHEN / THEN it verifies and the stored payload is the decoded text
    assert invoke(event, lambda_context)[0] == 200
    webhook_id = payload["id"] if scheme == "stripe" else "msg_2Kf8vQ1xYz"
    assert stack.item(webhook_id)["payload"] == {"S": body.decode("utf-8")}


def test_base64_body_signed_over_its_encoded_form_is_rejected(stack, lambda_context):
    # GIVEN a signature computed over the base64 text instead of the raw bytes
    body = to_bytes(stripe_payload())
    encoded = base64.b64encode(body)
    event = apigw_event(body, stripe_headers(encoded), base64_encoded=True)
    assert invoke(event, lambda_context) == (401, UNAUTHORIZED)


def test_raw_bytes_are_verified_not_a_reserialisation(stack, lambda_context):
    # GIVEN a body with unusual but valid JSON spacing: re-serialising it would change the bytes
    body = b'{ "id" : "evt_spacing",\n  "type":"charge.succeeded", "data": {"object": {"id": "ch_1"}} }'
    assert invoke(stripe_event(body), lambda_context) == (
        200,
        {"webhook_id": "evt_spacing", "status": "accepted"},
    )


def test_signature_helper_matches_stripe_documentation_formula():
    # The test signer itself: HMAC-SHA256 hex of "{t}.{body}" keyed with the secret string as-is.
    expected = hmac.new(b"whsec_x", b"1.{}", hashlib.sha256).hexdigest()
    assert (
        stripe_headers(b"{}", secrets=("whsec_x",), timestamp=1)["Stripe-Signature"] == f"t=1,v1={expected}"
    )
