"""Offline token validation: each check has a passing and a failing token."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID

from mailscope.intel.token import CONSUMER_TENANT, TokenReport, check_token

TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
ISSUER_TEMPLATE = "https://login.microsoftonline.com/{tenantid}/v2.0"
ISS = f"https://login.microsoftonline.com/{TENANT}/v2.0"
NOW = datetime(2023, 6, 1, 12, 0, tzinfo=UTC)
STOLEN_KID = "1LTMzakihiRla_8z2BEJVXeWMqo"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@pytest.fixture(scope="module")
def private_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def certificate(key: rsa.RSAPrivateKey, start: datetime, end: datetime) -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "accounts.accesscontrol.test")])
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(start)
        .not_valid_after(end)
        .sign(key, hashes.SHA256())
    )


def jwk(
    key: rsa.RSAPrivateKey,
    kid: str = "good-kid",
    *,
    issuer: str | None = ISSUER_TEMPLATE,
    cert_years: tuple[int, int] = (2022, 2025),
    with_cert: bool = True,
) -> dict[str, Any]:
    numbers = key.public_key().public_numbers()
    entry: dict[str, Any] = {
        "kty": "RSA",
        "use": "sig",
        "kid": kid,
        "n": b64url(numbers.n.to_bytes(256, "big")),
        "e": b64url(numbers.e.to_bytes(3, "big")),
    }
    if issuer is not None:
        entry["issuer"] = issuer
    if with_cert:
        cert = certificate(
            key,
            datetime(cert_years[0], 1, 1, tzinfo=UTC),
            datetime(cert_years[1], 1, 1, tzinfo=UTC),
        )
        entry["x5c"] = [base64.b64encode(cert.public_bytes(Encoding.DER)).decode()]
    return entry


def sign(key: rsa.RSAPrivateKey, claims: dict[str, Any], kid: str = "good-kid") -> str:
    header = b64url(orjson.dumps({"alg": "RS256", "typ": "JWT", "kid": kid}))
    payload = b64url(orjson.dumps(claims))
    signature = key.sign(f"{header}.{payload}".encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"{header}.{payload}.{b64url(signature)}"


def claims(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "iss": ISS,
        "tid": TENANT,
        "aud": "https://outlook.office365.com",
        "iat": int((NOW - timedelta(minutes=5)).timestamp()),
        "nbf": int((NOW - timedelta(minutes=5)).timestamp()),
        "exp": int((NOW + timedelta(hours=1)).timestamp()),
    }
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def status(report: TokenReport) -> dict[str, str]:
    return {check.name: check.status for check in report.checks}


def failed(report: TokenReport) -> list[str]:
    return [check.name for check in report.checks if check.status == "fail"]


def test_valid_token(private_key: rsa.RSAPrivateKey) -> None:
    report = check_token(sign(private_key, claims()), [jwk(private_key)], now=NOW, issuer=ISS)
    assert report.valid and failed(report) == []
    assert status(report)["signature"] == "pass" and status(report)["key validity"] == "pass"


def test_key_with_modulus_only_verifies(private_key: rsa.RSAPrivateKey) -> None:
    keys = [jwk(private_key, with_cert=False)]
    report = check_token(sign(private_key, claims()), keys, now=NOW)
    assert report.valid and status(report)["key validity"] == "skip"


def test_wrong_issuer(private_key: rsa.RSAPrivateKey) -> None:
    other = "https://sts.windows.net/" + TENANT + "/"
    report = check_token(sign(private_key, claims(iss=other)), [jwk(private_key)], now=NOW)
    assert failed(report) == ["key issuer = iss"]
    report = check_token(sign(private_key, claims()), [jwk(private_key)], now=NOW, issuer=other)
    assert failed(report) == ["expected issuer"]


def test_iss_without_tid(private_key: rsa.RSAPrivateKey) -> None:
    keys = [jwk(private_key, issuer=None)]
    report = check_token(
        sign(private_key, claims(tid="11111111-2222-3333-4444-555555555555")), keys, now=NOW
    )
    assert failed(report) == ["iss contains tid"]
    report = check_token(sign(private_key, claims(tid=None)), keys, now=NOW)
    assert "iss contains tid" in failed(report)


def test_bad_signature(private_key: rsa.RSAPrivateKey) -> None:
    token = sign(private_key, claims())
    header, _, signature = token.split(".")
    forged = f"{header}.{b64url(orjson.dumps(claims(tid=CONSUMER_TENANT)))}.{signature}"
    report = check_token(forged, [jwk(private_key)], now=NOW)
    assert "signature" in failed(report)
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    report = check_token(sign(other_key, claims()), [jwk(private_key)], now=NOW)
    assert failed(report) == ["signature"]


def test_expired_key(private_key: rsa.RSAPrivateKey) -> None:
    keys = [jwk(private_key, cert_years=(2016, 2021))]
    report = check_token(sign(private_key, claims()), keys, now=NOW)
    assert failed(report) == ["key validity"]


def test_token_lifetime(private_key: rsa.RSAPrivateKey) -> None:
    keys = [jwk(private_key)]
    late = NOW + timedelta(hours=2)
    assert failed(check_token(sign(private_key, claims()), keys, now=late)) == ["token lifetime"]
    early = NOW - timedelta(hours=1)
    assert failed(check_token(sign(private_key, claims()), keys, now=early)) == ["token lifetime"]


def test_known_stolen_kid_is_critical(private_key: rsa.RSAPrivateKey) -> None:
    keys = [jwk(private_key, STOLEN_KID)]
    report = check_token(sign(private_key, claims(), kid=STOLEN_KID), keys, now=NOW)
    assert failed(report) == ["known stolen key"]
    assert [c.critical for c in report.checks if c.status == "fail"] == [True]


def test_consumer_key_for_enterprise_tenant(private_key: rsa.RSAPrivateKey) -> None:
    consumer_issuer = f"https://login.microsoftonline.com/{CONSUMER_TENANT}/v2.0"
    keys = [jwk(private_key, issuer=consumer_issuer)]
    report = check_token(sign(private_key, claims()), keys, now=NOW)
    assert failed(report) == ["key issuer = iss", "consumer key for enterprise"]
    consumer = claims(iss=consumer_issuer, tid=CONSUMER_TENANT)
    assert check_token(sign(private_key, consumer), keys, now=NOW).valid


def test_kid_not_in_jwks_and_garbage(private_key: rsa.RSAPrivateKey) -> None:
    report = check_token(sign(private_key, claims(), kid="other"), [jwk(private_key)], now=NOW)
    assert "kid in JWKS" in failed(report) and "signature" in failed(report)
    assert failed(check_token("not.a.token!", [jwk(private_key)], now=NOW)) == ["format"]
