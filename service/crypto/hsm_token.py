"""A PKCS#11 token holding Deelpoort's KEKs: opening it once per process, the one lock, the key objects.

Invariants:
- The token is opened lazily and once per process (one logged-in session per module and token): a process that
  forked after opening it (a gunicorn worker of a preloaded app, a test's child) finalises the library state it
  inherited and opens a session of its own, since PKCS#11 handles do not survive `fork`.
- Every call into the module holds one lock per process. python-pkcs11 initialises the module without
  CKF_OS_LOCKING_OK (promising the module no concurrent calls, so SoftHSM2 turns its own mutexes off) yet releases
  the GIL during each call, so without this lock two threads of a gthread worker could be inside the module at
  once.
- A KEK object is an AES-256 secret key with CKA_TOKEN, CKA_PRIVATE and CKA_SENSITIVE true, CKA_EXTRACTABLE and
  CKA_MODIFIABLE false, usable to encrypt and decrypt only (not to wrap, unwrap, sign or derive), labelled
  `deelpoort-kek-<regime>-v<version>`. A key object under that label prefix that is anything else (another
  label shape, extractable, not sensitive, not AES-256, a label twice) is refused with `KeyMaterialError` naming
  its label, so the service never uses a KEK that could have left the token.
- Opening fails with `KeyMaterialError` naming what is wrong (the module, the token, the PIN, a locked PIN),
  never showing the PIN. The PIN is held only here, never in a repr.
- Encrypting and decrypting fail with the one opaque `CryptoError`, whatever the module answered.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import pkcs11
from pkcs11 import Attribute, KeyType, Mechanism, ObjectClass
from pkcs11.exceptions import (
    MultipleTokensReturned,
    NoSuchToken,
    PinIncorrect,
    PinLenRange,
    PinLocked,
    PKCS11Error,
)

from service.crypto.errors import CryptoError, KeyMaterialError
from service.domain.convenant import Regime

KEK_LABEL_PREFIX = "deelpoort-kek-"
_LABEL = re.compile(r"deelpoort-kek-(?P<regime>[a-z]+)-v(?P<version>[1-9][0-9]{0,9})")
_KEK_BITS = 256
# One lock for every call into any PKCS#11 module in this process (see the module docstring).
_LOCK = threading.RLock()
# The sessions of this process: (module, token label) -> the open token; and the process that initialised each
# module, to tell an inherited (forked) library from our own.
_OPEN: dict[tuple[str, str], _Open] = {}
_INITIALISED_BY: dict[str, int] = {}


def kek_label(regime: Regime, version: int) -> str:
    """The label of KEK `version` of `regime` in the token, e.g. ``deelpoort-kek-regulier-v3``."""
    return f"{KEK_LABEL_PREFIX}{regime.value}-v{version}"


def kek_template() -> dict[Attribute, Any]:
    """The attributes every KEK object is created with (see the module docstring)."""
    return {
        Attribute.TOKEN: True,
        Attribute.PRIVATE: True,
        Attribute.SENSITIVE: True,
        Attribute.EXTRACTABLE: False,
        Attribute.MODIFIABLE: False,
        Attribute.ENCRYPT: True,
        Attribute.DECRYPT: True,
        Attribute.WRAP: False,
        Attribute.UNWRAP: False,
        Attribute.SIGN: False,
        Attribute.VERIFY: False,
        Attribute.DERIVE: False,
    }


@dataclass(slots=True)
class _Open:
    pid: int
    pin_digest: bytes
    session: Any
    keks: dict[tuple[Regime, int], Any] = field(default_factory=dict)
    versies: dict[Regime, tuple[int, ...]] = field(default_factory=dict)  # per regime, ascending (read per request)
    gelezen_op: float = 0.0  # time.monotonic() of the latest read

    def lees(self, token_label: str) -> None:
        """Read the KEK objects of the token (see `_read_keks`)."""
        keks = _read_keks(self.session, token_label)
        self.versies = {regime: tuple(sorted(v for r, v in keks if r is regime)) for regime in Regime}
        self.keks = keks
        self.gelezen_op = time.monotonic()


class Pkcs11Token:
    """One token of one PKCS#11 module, logged in as its user; holds Deelpoort's KEK objects."""

    __slots__ = ("_label", "_module", "_pin", "_pin_digest")

    def __init__(self, module: str, token_label: str, pin: str) -> None:
        """Remember where the token is; nothing is opened until first use (`open`).

        Raises:
            KeyMaterialError: The module path, the label or the PIN is empty.
        """
        if not module or not token_label:
            raise KeyMaterialError("PKCS#11: the module path and the token label are required")
        if not pin:
            raise KeyMaterialError(f"PKCS#11 token {token_label!r}: no user PIN given")
        self._module = module
        self._label = token_label
        self._pin = pin
        self._pin_digest = hashlib.sha256(pin.encode("utf-8")).digest()

    @property
    def label(self) -> str:
        """The token's label."""
        return self._label

    def open(self) -> None:
        """Open and log in to the token in this process (again after a fork), and read its KEK objects.

        Raises:
            KeyMaterialError: The module does not load, the token is missing, the PIN is wrong or locked, or a
                key object under Deelpoort's label prefix is not acceptable as a KEK.
        """
        self._current()

    def keks(self) -> dict[tuple[Regime, int], Any]:
        """The KEK objects found at the latest open or `refresh`, keyed by (regime, version).

        Raises:
            KeyMaterialError: As for `open`.
        """
        return self._current().keks

    def refresh(self) -> None:
        """Read the token's KEK objects again (another process created or destroyed one).

        Raises:
            KeyMaterialError: As for `open`.
        """
        state = self._current()
        with _LOCK:
            state.lees(self._label)

    def refresh_if_older(self, seconds: float) -> None:
        """`refresh` when the KEK objects were last read more than `seconds` ago (a search costs about a
        millisecond in SoftHSM2: too much for every wrap of a rotation's batch).

        Raises:
            KeyMaterialError: As for `open`.
        """
        state = self._current()
        if time.monotonic() - state.gelezen_op > seconds:
            with _LOCK:
                state.lees(self._label)

    def versies(self, regime: Regime) -> tuple[int, ...]:
        """The KEK versions of `regime` found at the latest open or `refresh`, ascending.

        Raises:
            KeyMaterialError: As for `open`.
        """
        return self._current().versies.get(regime, ())

    def encrypt(self, regime: Regime, version: int, nonce: bytes, associated_data: bytes, data: bytes) -> bytes:
        """AES-256-GCM inside the token under KEK (`regime`, `version`), with the caller's 12-byte nonce.

        Raises:
            CryptoError: No such KEK, or the module refused.
        """
        return self._aes_gcm("encrypt", regime, version, nonce, associated_data, data)

    def decrypt(self, regime: Regime, version: int, nonce: bytes, associated_data: bytes, data: bytes) -> bytes:
        """Verify and decrypt AES-256-GCM inside the token under KEK (`regime`, `version`).

        Raises:
            CryptoError: No such KEK, a wrong tag or associated data, or the module refused.
        """
        return self._aes_gcm("decrypt", regime, version, nonce, associated_data, data)

    def _aes_gcm(
        self, operation: str, regime: Regime, version: int, nonce: bytes, associated_data: bytes, data: bytes
    ) -> bytes:
        key = self.keks().get((regime, version))
        if key is None:
            raise CryptoError
        parameters = pkcs11.GCMParams(nonce, associated_data, 128)
        try:
            with _LOCK:
                result: bytes = getattr(key, operation)(data, mechanism=Mechanism.AES_GCM, mechanism_param=parameters)
        except PKCS11Error:
            raise CryptoError from None
        return result

    def create_kek(self, regime: Regime, version: int) -> None:
        """Generate KEK `version` of `regime` inside the token (it never exists outside it).

        Raises:
            KeyMaterialError: The version exists already, or the token refused to make the key.
        """
        state = self._current()
        label = kek_label(regime, version)
        if (regime, version) in state.keks:
            raise KeyMaterialError(f"PKCS#11 token {self._label!r}: {label} exists already")
        try:
            with _LOCK:
                state.session.generate_key(KeyType.AES, _KEK_BITS, label=label, store=True, template=kek_template())
        except PKCS11Error as exc:
            raise KeyMaterialError(
                f"PKCS#11 token {self._label!r}: cannot create {label} ({type(exc).__name__})"
            ) from None
        self.refresh()

    def destroy_kek(self, regime: Regime, version: int) -> None:
        """Destroy KEK `version` of `regime` in the token; every DEK still wrapped under it is lost.

        Raises:
            KeyMaterialError: There is no such KEK, or the token refused.
        """
        state = self._current()
        key = state.keks.get((regime, version))
        label = kek_label(regime, version)
        if key is None:
            raise KeyMaterialError(f"PKCS#11 token {self._label!r}: there is no {label}")
        try:
            with _LOCK:
                key.destroy()
        except PKCS11Error as exc:
            raise KeyMaterialError(
                f"PKCS#11 token {self._label!r}: cannot destroy {label} ({type(exc).__name__})"
            ) from None
        self.refresh()

    def _current(self) -> _Open:
        pid = os.getpid()
        with _LOCK:
            state = _OPEN.get((self._module, self._label))
            if state is not None and state.pid == pid:
                if not hmac.compare_digest(state.pin_digest, self._pin_digest):
                    raise KeyMaterialError(
                        f"PKCS#11 token {self._label!r}: already open in this process with another PIN"
                    )
                return state
            state = _Open(pid, self._pin_digest, self._login())
            state.lees(self._label)
            _OPEN[(self._module, self._label)] = state
            return state

    def _login(self) -> Any:
        where = f"PKCS#11 token {self._label!r}"
        try:
            lib = pkcs11.lib(self._module)
        except (PKCS11Error, OSError):
            raise KeyMaterialError(f"PKCS#11 module {self._module}: cannot be loaded") from None
        if _INITIALISED_BY.get(self._module, os.getpid()) != os.getpid():
            # Inherited through fork: the parent's sessions and handles are not ours. Start the library afresh.
            for key in [key for key in _OPEN if key[0] == self._module]:
                del _OPEN[key]
            lib.reinitialize()
        _INITIALISED_BY[self._module] = os.getpid()
        try:
            token = lib.get_token(token_label=self._label)
        except NoSuchToken:
            raise KeyMaterialError(f"{where}: not found in {self._module} (is the token initialised?)") from None
        except MultipleTokensReturned:
            raise KeyMaterialError(f"{where}: more than one token has this label") from None
        try:
            return token.open(user_pin=self._pin, rw=True)
        except (PinIncorrect, PinLenRange):
            raise KeyMaterialError(f"{where}: the user PIN is wrong") from None
        except PinLocked:
            raise KeyMaterialError(f"{where}: the user PIN is locked (too many wrong attempts)") from None
        except PKCS11Error as exc:
            raise KeyMaterialError(f"{where}: cannot log in ({type(exc).__name__})") from None

    def __repr__(self) -> str:
        return f"Pkcs11Token(module={self._module!r}, token_label={self._label!r})"


def _read_keks(session: Any, token_label: str) -> dict[tuple[Regime, int], Any]:
    found: dict[tuple[Regime, int], Any] = {}
    try:
        with _LOCK:
            objects = list(session.get_objects({Attribute.CLASS: ObjectClass.SECRET_KEY}))
            for key in objects:
                label = key.label or ""
                if not label.startswith(KEK_LABEL_PREFIX):
                    continue
                where = f"PKCS#11 token {token_label!r}: key object {label!r}"
                match = _LABEL.fullmatch(label)
                regime = _regime(match.group("regime")) if match else None
                if match is None or regime is None:
                    raise KeyMaterialError(f"{where}: not a KEK label (deelpoort-kek-<regime>-v<version>)")
                version = int(match.group("version"))
                if (regime, version) in found:
                    raise KeyMaterialError(f"{where}: the label occurs twice")
                _check_kek(key, where)
                found[(regime, version)] = key
    except PKCS11Error as exc:
        raise KeyMaterialError(f"PKCS#11 token {token_label!r}: cannot list keys ({type(exc).__name__})") from None
    return found


def _check_kek(key: Any, where: str) -> None:
    if key.key_type != KeyType.AES or key[Attribute.VALUE_LEN] * 8 != _KEK_BITS:
        raise KeyMaterialError(f"{where}: not an AES-256 key")
    if not key[Attribute.SENSITIVE] or key[Attribute.EXTRACTABLE] or not key[Attribute.TOKEN]:
        raise KeyMaterialError(f"{where}: must be sensitive, non-extractable and on the token")
    if key[Attribute.WRAP] or key[Attribute.UNWRAP]:
        raise KeyMaterialError(f"{where}: a KEK must not wrap or unwrap other keys")


def _regime(name: str) -> Regime | None:
    try:
        return Regime(name)
    except ValueError:
        return None
