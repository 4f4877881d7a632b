"""zigttp:auth: bearer tokens, HS256 JWTs, webhook signatures, timing-safe equality."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Iterator

import pytest

from . import calls
from .calls import UNDEFINED
from .conftest import Launch
from .handlers import Server

SECRET = "s3cret-key"


@pytest.fixture(scope="module")
def auth(launch: Launch) -> Iterator[Server]:
    yield launch(calls.caller("auth"))


def _part(data: object) -> str:
    text = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(text).rstrip(b"=").decode()


def _token(claims: object, secret: str = SECRET, header: object = None) -> str:
    """An HS256 JWT made here, independently of the runtime."""
    signing_input = (
        _part(header or {"alg": "HS256", "typ": "JWT"}) + "." + _part(claims)
    )
    mac = hmac.new(secret.encode(), signing_input.encode(), hashlib.sha256).digest()
    return signing_input + "." + base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


@pytest.mark.parametrize(
    ("header", "token"),
    [
        ("Bearer abc.def", "abc.def"),
        ("bearer abc", "abc"),
        ("BEARER  abc ", "abc"),
        ("Bearer ", UNDEFINED),
        ("Basic dXNlcjpwYXNz", UNDEFINED),
        ("Bearerabc", UNDEFINED),
        (None, UNDEFINED),
    ],
    ids=["plain", "lowercase", "spaces", "empty", "basic", "no-space", "missing"],
)
def test_parse_bearer_finds_the_token(
    auth: Server, header: str | None, token: object
) -> None:
    assert calls.call(auth, "parseBearer", header) == token


def test_jwt_signed_by_the_handler_verifies_here_and_there(auth: Server) -> None:
    claims = {"sub": "user-1", "role": "admin", "exp": int(time.time()) + 60}

    token = calls.call(
        auth, "jwtSign", json.dumps(claims, separators=(",", ":")), SECRET
    )
    assert isinstance(token, str)
    assert token == _token(claims)
    assert calls.call(auth, "jwtVerify", token, SECRET) == {"ok": True, "value": claims}


def test_jwt_sign_takes_claims_as_an_object_too(auth: Server) -> None:
    token = calls.call(auth, "jwtSign", {"sub": "u"}, SECRET)

    assert calls.call(auth, "jwtVerify", token, SECRET, "HS256") == {
        "ok": True,
        "value": {"sub": "u"},
    }


def _tampered() -> str:
    header, _, signature = _token({"sub": "user-1"}).split(".")
    return f"{header}.{_part({'sub': 'admin'})}.{signature}"


@pytest.mark.parametrize(
    ("token", "secret", "error"),
    [
        (_tampered(), SECRET, "invalid signature"),
        (_token({"sub": "u"}, secret="other"), SECRET, "invalid signature"),
        (_token({"exp": int(time.time()) - 1}), SECRET, "token expired"),
        (_token({"nbf": int(time.time()) + 3600}), SECRET, "token not yet valid"),
        (_token({"exp": "tomorrow"}), SECRET, "invalid exp claim"),
        (_token({"sub": "u"}, header={"alg": "none"}), SECRET, "unsupported alg"),
        (_token({"sub": "u"}, header={"alg": "HS512"}), SECRET, "unsupported alg"),
        (_token({"sub": "u"}, header={"typ": "JWT"}), SECRET, "unsupported alg"),
        (_token(["not", "an", "object"]), SECRET, "invalid claims"),
        ("only.two", SECRET, "invalid token format"),
        ("", SECRET, "invalid token format"),
        (_token({"sub": "u"}), None, "secret must be a string"),
    ],
    ids=[
        "tampered",
        "wrong-secret",
        "expired",
        "not-yet-valid",
        "exp-not-a-number",
        "alg-none",
        "alg-hs512",
        "alg-missing",
        "claims-array",
        "two-parts",
        "empty",
        "no-secret",
    ],
)
def test_jwt_verify_refuses_with_a_reason(
    auth: Server, token: str, secret: str | None, error: str
) -> None:
    assert calls.call(auth, "jwtVerify", token, secret) == {"ok": False, "error": error}


def test_jwt_verify_refuses_an_algorithm_other_than_hs256(auth: Server) -> None:
    token = _token({"sub": "u"})

    assert calls.call(auth, "jwtVerify", token, SECRET, "RS256") == {
        "ok": False,
        "error": "unsupported alg",
    }


def test_jwt_with_future_expiry_and_past_not_before_is_accepted(auth: Server) -> None:
    now = int(time.time())
    claims = {"sub": "u", "exp": now + 60, "nbf": now - 60}

    assert calls.call(auth, "jwtVerify", _token(claims), SECRET)["ok"] is True


def _signature(body: str, secret: str) -> str:
    return hmac.new(secret.encode(), body.encode(), hashlib.sha256).hexdigest()


@pytest.mark.parametrize(
    ("signature", "valid"),
    [
        (_signature('{"event":"paid"}', "whsec"), True),
        ("sha256=" + _signature('{"event":"paid"}', "whsec"), True),
        (_signature('{"event":"paid"}', "whsec").upper(), True),
        (_signature('{"event":"refund"}', "whsec"), False),
        (_signature('{"event":"paid"}', "other"), False),
        ("sha256=", False),
    ],
    ids=["hex", "prefixed", "uppercase", "other-body", "other-secret", "empty"],
)
def test_webhook_signature_is_the_hex_hmac_of_the_body(
    auth: Server, signature: str, valid: bool
) -> None:
    result = calls.call(
        auth, "verifyWebhookSignature", '{"event":"paid"}', "whsec", signature
    )

    assert result is valid


@pytest.mark.parametrize(
    ("a", "b", "equal"),
    [("abc", "abc", True), ("abc", "abd", False), ("abc", "ab", False), ("", "", True)],
    ids=["same", "differ", "length", "empty"],
)
def test_timing_safe_equal_compares_whole_strings(
    auth: Server, a: str, b: str, equal: bool
) -> None:
    assert calls.call(auth, "timingSafeEqual", a, b) is equal
