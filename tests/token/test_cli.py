"""``mailscope token check``: a table of checks and exit code 0 (valid) or 1 (invalid)."""

from __future__ import annotations

from pathlib import Path

import orjson
from cryptography.hazmat.primitives.asymmetric import rsa
from typer.testing import CliRunner

from mailscope.cli.main import app
from tests.token.test_token_check import STOLEN_KID, claims, jwk, private_key, sign

__all__ = ["private_key"]  # the module-scoped key fixture, shared


def invoke(tmp_path: Path, token: str, keys: list[dict[str, object]]) -> tuple[int, str]:
    jwks = tmp_path / "keys.json"
    jwks.write_bytes(orjson.dumps({"keys": keys}))
    holder = tmp_path / "token.txt"
    holder.write_text(token, "utf-8")
    result = CliRunner().invoke(
        app, ["token", "check", str(holder), "--jwks", str(jwks), "--at", "2023-06-01T12:00:00Z"]
    )
    return result.exit_code, result.output


def test_valid_token_exits_zero(tmp_path: Path, private_key: rsa.RSAPrivateKey) -> None:
    code, output = invoke(tmp_path, sign(private_key, claims()), [jwk(private_key)])
    assert code == 0, output
    assert "token is valid" in output and "FAIL" not in output


def test_stolen_kid_exits_one_and_says_critical(
    tmp_path: Path, private_key: rsa.RSAPrivateKey
) -> None:
    token = sign(private_key, claims(), kid=STOLEN_KID)
    code, output = invoke(tmp_path, token, [jwk(private_key, STOLEN_KID)])
    assert code == 1
    assert "INVALID (critical)" in output and "known stolen key" in output
