"""PIN hashing: scrypt from the standard library at OWASP parameters, in a self-describing string.

`scrypt$N$r$p$salt_b64$hash_b64` — the parameters travel with the hash, so raising them later
still verifies every PIN stored before. Comparison is constant-time.

REFURBDESK_SCRYPT_N lowers N for the test suite only (a hash at N=2**17 takes ~0.3 s and 128 MiB);
without it, every hash is made at the OWASP minimum N=2**17, r=8, p=1.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

OWASP_N, OWASP_R, OWASP_P = 2**17, 8, 1
SALT_BYTES = 16
HASH_BYTES = 32
N_ENV = "REFURBDESK_SCRYPT_N"


def _n() -> int:
    raw = os.environ.get(N_ENV)
    return int(raw) if raw else OWASP_N


def _maxmem(n: int, r: int, p: int) -> int:
    # scrypt needs 128·N·r·p bytes (plus a little); OpenSSL's default cap (32 MiB) is below N=2**17.
    return 128 * n * r * p + 2 * 1024 * 1024


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _derive(pin: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(pin.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=_maxmem(n, r, p), dklen=HASH_BYTES)


def hash_pin(pin: str) -> str:
    n, r, p = _n(), OWASP_R, OWASP_P
    salt = os.urandom(SALT_BYTES)
    return f"scrypt${n}${r}${p}${_b64(salt)}${_b64(_derive(pin, salt, n, r, p))}"


def verify_pin(pin: str, stored: str) -> bool:
    """True if `pin` matches `stored`; False for a wrong PIN or a string this module did not write."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = _derive(pin, base64.b64decode(salt), int(n), int(r), int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)
