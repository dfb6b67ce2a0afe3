"""Offline JWT / JWKS validation the way Microsoft's Storm-0558 fix does it.

Storm-0558 signed Exchange / Entra tokens with an MSA consumer key (kid
``1LTMzakihiRla_8z2BEJVXeWMqo``) that enterprise validation accepted. The fix (MSRC,
2023-09-06; Microsoft Threat Intelligence, 2023-07-14) checks that the signing key's
``issuer``, with ``{tenantid}`` replaced by the token's ``tid``, equals the token's ``iss``,
and that ``iss`` contains ``tid``. This module runs those checks plus the signature, the
token lifetime and the key certificate's validity, offline, against a JWKS file.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

import orjson
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding

from mailscope.errors import RuleError
from mailscope.intel.ioc import known_bad

Status = Literal["pass", "fail", "skip"]
# Microsoft account (MSA, consumer) tenant: keys issued for it must never sign tokens of an
# enterprise tenant (Microsoft identity platform docs, "Microsoft identity platform
# access tokens": tid 9188040d-… is the consumer tenant).
CONSUMER_TENANT = "9188040d-6c67-4c5b-b112-36a304b66dad"


@dataclass(frozen=True, slots=True)
class Check:
    """One validation step: its name, outcome, and what was compared."""

    name: str
    status: Status
    detail: str
    critical: bool = False


@dataclass(frozen=True, slots=True)
class TokenReport:
    """Every check run on one token; the token is valid when none failed."""

    checks: tuple[Check, ...]
    header: dict[str, Any]
    claims: dict[str, Any]

    @property
    def valid(self) -> bool:
        """True when no check failed."""
        return all(check.status != "fail" for check in self.checks)


def b64url_decode(part: str) -> bytes:
    """Decode one base64url JWT segment (padding optional)."""
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def load_jwks(text: str | bytes, *, location: str) -> list[dict[str, Any]]:
    """The ``keys`` of a JWKS document (RuleError when it is not one)."""
    try:
        document = orjson.loads(text)
    except orjson.JSONDecodeError as error:
        raise RuleError(f"JWKS is not JSON: {error}", location=location) from error
    keys = document.get("keys") if isinstance(document, dict) else None
    if not isinstance(keys, list) or not all(isinstance(k, dict) for k in keys):
        raise RuleError("JWKS needs a 'keys' list of objects", location=location)
    return keys


def check_token(
    token: str, keys: list[dict[str, Any]], *, now: datetime, issuer: str | None = None
) -> TokenReport:
    """Run every check on ``token`` against the JWKS ``keys`` at instant ``now`` (UTC)."""
    parts = token.strip().split(".")
    try:
        header = _json_segment(parts[0])
        claims = _json_segment(parts[1])
        signature = b64url_decode(parts[2])
        if len(parts) != 3:
            raise ValueError("a JWS compact token has three parts")
    except (IndexError, ValueError, binascii.Error) as error:
        failed = Check("format", "fail", f"not a signed JWT: {error}")
        return TokenReport((failed,), {}, {})
    key = _find_key(keys, str(header.get("kid", "")))
    checks = [
        Check("format", "pass", f"alg {header.get('alg')}, kid {header.get('kid')}"),
        _known_bad(header, key),
        Check(
            "kid in JWKS",
            "pass" if key else "fail",
            "signing key found" if key else f"kid {header.get('kid')!r} is not in the JWKS",
        ),
        _signature(header, parts, signature, key),
        _key_issuer(claims, key),
        _iss_has_tid(claims),
        _consumer_key(claims, key),
        _expected_issuer(claims, issuer),
        _lifetime(claims, now),
        _key_validity(claims, key, now),
    ]
    return TokenReport(tuple(checks), header, claims)


def _json_segment(part: str) -> dict[str, Any]:
    value = orjson.loads(b64url_decode(part))
    if not isinstance(value, dict):
        raise ValueError("segment is not a JSON object")
    return value


def _find_key(keys: list[dict[str, Any]], kid: str) -> dict[str, Any] | None:
    return next((k for k in keys if str(k.get("kid", "")) == kid and kid), None)


def _certificate(key: Mapping[str, Any] | None) -> x509.Certificate | None:
    chain = key.get("x5c") if key else None
    if not isinstance(chain, list) or not chain:
        return None
    try:
        return x509.load_der_x509_certificate(base64.b64decode(str(chain[0])))
    except (ValueError, binascii.Error):
        return None


def _thumbprints(header: Mapping[str, Any], key: Mapping[str, Any] | None) -> set[str]:
    """SHA-1 thumbprints (hex) named by the token header, the JWK, or its certificate."""
    found: set[str] = set()
    for source in (header, key or {}):
        x5t = source.get("x5t")
        if isinstance(x5t, str):
            with contextlib.suppress(ValueError, binascii.Error):
                found.add(b64url_decode(x5t).hex())
    certificate = _certificate(key)
    if certificate is not None:
        # x5t is the SHA-1 of the DER certificate (RFC 7517 section 4.8), not a security use.
        found.add(hashlib.sha1(certificate.public_bytes(Encoding.DER)).hexdigest())
    return found


def _known_bad(header: Mapping[str, Any], key: Mapping[str, Any] | None) -> Check:
    bad_kids = {i.value for i in known_bad("jwk-kid")}
    bad_prints = {i.value.lower() for i in known_bad("x509-thumbprint")}
    kid = str(header.get("kid", ""))
    hits = sorted(({kid} & bad_kids) | (_thumbprints(header, key) & bad_prints))
    if hits:
        detail = "signed with the key stolen in Storm-0558: " + ", ".join(hits)
        return Check("known stolen key", "fail", detail, critical=True)
    return Check("known stolen key", "pass", "kid and thumbprint are not the Storm-0558 key")


def _signature(
    header: Mapping[str, Any], parts: list[str], signature: bytes, key: Mapping[str, Any] | None
) -> Check:
    if header.get("alg") != "RS256":
        return Check("signature", "fail", f"alg {header.get('alg')!r} is not RS256")
    public = _public_key(key)
    if public is None:
        return Check("signature", "fail", "no usable RSA key (x5c or n/e) for the kid")
    signed = f"{parts[0]}.{parts[1]}".encode("ascii")
    try:
        public.verify(signature, signed, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return Check("signature", "fail", "RS256 signature does not verify with the JWKS key")
    return Check("signature", "pass", "RS256 signature verifies")


def _public_key(key: Mapping[str, Any] | None) -> rsa.RSAPublicKey | None:
    certificate = _certificate(key)
    if certificate is not None:
        public = certificate.public_key()
        return public if isinstance(public, rsa.RSAPublicKey) else None
    if not key or not isinstance(key.get("n"), str) or not isinstance(key.get("e"), str):
        return None
    try:
        n = int.from_bytes(b64url_decode(key["n"]), "big")
        e = int.from_bytes(b64url_decode(key["e"]), "big")
        return rsa.RSAPublicNumbers(e, n).public_key()
    except (ValueError, binascii.Error):
        return None


def _key_issuer(claims: Mapping[str, Any], key: Mapping[str, Any] | None) -> Check:
    """Microsoft's fix: the key's issuer, {tenantid} substituted with tid, must equal iss."""
    if key is None:
        return Check("key issuer = iss", "fail", "no signing key to take an issuer from")
    template = key.get("issuer")
    if not isinstance(template, str):
        return Check("key issuer = iss", "skip", "the JWKS key carries no issuer")
    expected = template.replace("{tenantid}", str(claims.get("tid", "{tenantid}")))
    iss = str(claims.get("iss", ""))
    if expected == iss:
        return Check("key issuer = iss", "pass", f"{iss}")
    return Check("key issuer = iss", "fail", f"key issuer {expected!r} != iss {iss!r}")


def _iss_has_tid(claims: Mapping[str, Any]) -> Check:
    tid, iss = claims.get("tid"), str(claims.get("iss", ""))
    if not isinstance(tid, str) or not tid:
        return Check("iss contains tid", "fail", "the token has no tid claim")
    if tid.lower() in iss.lower():
        return Check("iss contains tid", "pass", f"tid {tid}")
    return Check("iss contains tid", "fail", f"tid {tid} is not in iss {iss!r}")


def _consumer_key(claims: Mapping[str, Any], key: Mapping[str, Any] | None) -> Check:
    issuer = str((key or {}).get("issuer", ""))
    tid = str(claims.get("tid", ""))
    if CONSUMER_TENANT in issuer.lower() and tid.lower() != CONSUMER_TENANT:
        detail = f"consumer (MSA) key signed a token for tenant {tid or '?'}"
        return Check("consumer key for enterprise", "fail", detail, critical=True)
    return Check("consumer key for enterprise", "pass", "key and token tenant agree")


def _expected_issuer(claims: Mapping[str, Any], issuer: str | None) -> Check:
    if issuer is None:
        return Check("expected issuer", "skip", "no --issuer given")
    iss = str(claims.get("iss", ""))
    if iss == issuer:
        return Check("expected issuer", "pass", iss)
    return Check("expected issuer", "fail", f"iss {iss!r} != expected {issuer!r}")


def _lifetime(claims: Mapping[str, Any], now: datetime) -> Check:
    stamp = now.timestamp()
    exp, nbf = claims.get("exp"), claims.get("nbf")
    if not isinstance(exp, int | float):
        return Check("token lifetime", "fail", "the token has no exp claim")
    if stamp >= exp:
        return Check("token lifetime", "fail", f"expired at {_iso(exp)}")
    if isinstance(nbf, int | float) and stamp < nbf:
        return Check("token lifetime", "fail", f"not valid before {_iso(nbf)}")
    return Check("token lifetime", "pass", f"valid until {_iso(exp)}")


def _key_validity(claims: Mapping[str, Any], key: Mapping[str, Any] | None, now: datetime) -> Check:
    """The key's certificate must be valid when the token was issued (iat, else now)."""
    certificate = _certificate(key)
    if certificate is None:
        return Check("key validity", "skip", "the JWKS key has no x5c certificate")
    iat = claims.get("iat")
    when = datetime.fromtimestamp(iat, UTC) if isinstance(iat, int | float) else now
    start, end = certificate.not_valid_before_utc, certificate.not_valid_after_utc
    window = f"{start:%Y-%m-%d}..{end:%Y-%m-%d}"
    if start <= when <= end:
        return Check("key validity", "pass", f"certificate valid {window}")
    return Check("key validity", "fail", f"certificate valid {window}, used {when:%Y-%m-%d}")


def _iso(stamp: float) -> str:
    return datetime.fromtimestamp(stamp, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
