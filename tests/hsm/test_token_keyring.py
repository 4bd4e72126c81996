"""The token keyring against a real SoftHSM2: round trips, tampering, a KEK that cannot leave the token, the
boundary between the file's and the token's wrapped format, threads and fork."""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable
from typing import Any

import pkcs11
import pytest
from pkcs11 import Attribute, KeyType, Mechanism, ObjectClass
from pkcs11.exceptions import AttributeSensitive, KeyUnextractable

from service.crypto import CryptoError, DataKey, KeyMaterialError, Keyring, generate_key_material, parse_key_material
from service.crypto.hsm_token import Pkcs11Token, kek_label
from service.crypto.keyring import WRAPPED_SIZE, kek_version_of
from service.crypto.token_keyring import TokenKeyring
from service.domain.convenant import Regime
from tests.helpers.softhsm import PIN, SoftHsm

CASUS = "c0ffee00c0ffee00c0ffee00c0ffee00"
OTHER_CASUS = "deadbeefdeadbeefdeadbeefdeadbeef"


def _file_keyring() -> Keyring:
    keyring = parse_key_material(generate_key_material(development=True)).keyring
    assert isinstance(keyring, Keyring)
    return keyring


def _with_keks(token: Pkcs11Token, legacy: Keyring) -> TokenKeyring:
    first = TokenKeyring.zonder_controle(token, legacy)
    for regime in Regime:
        assert first.create_kek(regime) == 2
    return TokenKeyring(token, legacy)


@pytest.fixture(scope="module")
def gedeeld_legacy() -> Keyring:
    return _file_keyring()


@pytest.fixture(scope="module")
def gedeeld(hsm: SoftHsm, gedeeld_legacy: Keyring) -> TokenKeyring:
    """One token for the tests that change no key object: KEK v2 of each regime, the file's v1 readable."""
    return _with_keks(Pkcs11Token(str(hsm.module), hsm.neem(), PIN), gedeeld_legacy)


@pytest.fixture
def legacy() -> Keyring:
    """The secrets file's keyring of an installation moving to the token (KEK v1 per regime)."""
    return _file_keyring()


@pytest.fixture
def keyring(token: Pkcs11Token, legacy: Keyring) -> TokenKeyring:
    """A token keyring of this test's own with KEK v2 of each regime, reading the file's v1 for the migration."""
    return _with_keks(token, legacy)


def _raw_session(hsm: SoftHsm, label: str) -> Any:
    """A session of the test's own on the same token (logged in already by the keyring in this process)."""
    return pkcs11.lib(str(hsm.module)).get_token(token_label=label).open(rw=True)


def test_a_data_key_round_trips_through_the_token_in_format_2(gedeeld: TokenKeyring) -> None:
    keyring = gedeeld
    for regime in Regime:
        data_key, wrapped = keyring.new_data_key(regime, CASUS)
        assert len(wrapped) == WRAPPED_SIZE and wrapped[0] == 2 and kek_version_of(wrapped) == 2
        assert keyring.unwrap(regime, CASUS, wrapped).key_id == data_key.key_id
        assert keyring.rewrap(regime, CASUS, wrapped) is wrapped  # already primary: unchanged
        assert not keyring.needs_rewrap(regime, wrapped)
    assert keyring.primary_version(Regime.CTER) == 2
    assert keyring.versions(Regime.REGULIER) == (1, 2)
    assert (keyring.bron(Regime.REGULIER, 1), keyring.bron(Regime.REGULIER, 2)) == ("bestand", "token")


def test_two_wraps_of_one_key_differ_and_both_unwrap(gedeeld: TokenKeyring) -> None:
    keyring = gedeeld
    data_key = DataKey.generate(Regime.REGULIER, CASUS)
    first, second = keyring.wrap(data_key), keyring.wrap(data_key)
    assert first[5:17] != second[5:17]  # a fresh nonce per wrap
    assert keyring.unwrap(Regime.REGULIER, CASUS, first).key_id == keyring.unwrap(Regime.REGULIER, CASUS, second).key_id


def _flip(offset: int) -> Callable[[bytes], bytes]:
    def flip(wrapped: bytes) -> bytes:
        return wrapped[:offset] + bytes([wrapped[offset] ^ 0x01]) + wrapped[offset + 1 :]

    return flip


TAMPERED = [
    ("flipped bit in the KEK version", _flip(4), Regime.REGULIER, CASUS),
    ("flipped bit in the nonce", _flip(5), Regime.REGULIER, CASUS),
    ("flipped bit in the ciphertext", _flip(20), Regime.REGULIER, CASUS),
    ("flipped bit in the tag", _flip(WRAPPED_SIZE - 1), Regime.REGULIER, CASUS),
    ("format byte made 1 (the file's)", lambda w: b"\x01" + w[1:], Regime.REGULIER, CASUS),
    ("format byte made 3", lambda w: b"\x03" + w[1:], Regime.REGULIER, CASUS),
    ("an unknown KEK version", lambda w: w[:1] + (9).to_bytes(4, "big") + w[5:], Regime.REGULIER, CASUS),
    ("truncated", lambda w: w[:-1], Regime.REGULIER, CASUS),
    ("moved to another casus", lambda w: w, Regime.REGULIER, OTHER_CASUS),
    ("moved to the other regime", lambda w: w, Regime.CTER, CASUS),
    ("a casus id that is no UTF-8", lambda w: w, Regime.REGULIER, "\ud800"),
]


@pytest.mark.parametrize(("name", "tamper", "regime", "casus_id"), TAMPERED, ids=[row[0] for row in TAMPERED])
def test_a_tampered_or_moved_wrapping_is_refused_with_the_one_error(
    gedeeld: TokenKeyring, name: str, tamper: Callable[[bytes], bytes], regime: Regime, casus_id: str
) -> None:
    keyring = gedeeld
    _, wrapped = keyring.new_data_key(Regime.REGULIER, CASUS)
    with pytest.raises(CryptoError) as raised:
        keyring.unwrap(regime, casus_id, tamper(wrapped))
    assert str(raised.value) == "cryptographic check failed" and raised.value.__cause__ is None


def test_the_file_keyring_refuses_a_token_wrapping_and_the_token_reads_the_files_only_through_legacy(
    gedeeld: TokenKeyring, gedeeld_legacy: Keyring, hsm: SoftHsm
) -> None:
    keyring, legacy = gedeeld, gedeeld_legacy
    _, in_token = keyring.new_data_key(Regime.REGULIER, CASUS)
    with pytest.raises(CryptoError):
        legacy.unwrap(Regime.REGULIER, CASUS, in_token)
    with pytest.raises(CryptoError):  # the same version number in another file: still refused
        _file_keyring().unwrap(Regime.REGULIER, CASUS, b"\x01" + in_token[1:])

    data_key, in_file = legacy.new_data_key(Regime.CTER, CASUS)
    assert keyring.unwrap(Regime.CTER, CASUS, in_file).key_id == data_key.key_id
    assert keyring.needs_rewrap(Regime.CTER, in_file)
    moved = keyring.rewrap(Regime.CTER, CASUS, in_file)  # migration is a rotation
    assert moved[0] == 2 and kek_version_of(moved) == 2
    assert keyring.unwrap(Regime.CTER, CASUS, moved).key_id == data_key.key_id
    with pytest.raises(CryptoError):  # without the file's KEKs a format-1 wrapping is refused
        TokenKeyring(keyring.token).unwrap(Regime.CTER, CASUS, in_file)


def test_the_kek_cannot_leave_the_token(gedeeld: TokenKeyring, hsm: SoftHsm) -> None:
    session = _raw_session(hsm, gedeeld.token.label)
    [kek] = list(session.get_objects({Attribute.LABEL: kek_label(Regime.REGULIER, 2)}))
    assert kek[Attribute.SENSITIVE] is True and kek[Attribute.ALWAYS_SENSITIVE] is True
    assert kek[Attribute.EXTRACTABLE] is False and kek[Attribute.NEVER_EXTRACTABLE] is True
    assert kek[Attribute.TOKEN] is True and kek[Attribute.WRAP] is False and kek[Attribute.UNWRAP] is False
    with pytest.raises(AttributeSensitive):
        kek[Attribute.VALUE]
    wrapping = session.generate_key(KeyType.AES, 256, label="aanvaller", store=False, template={Attribute.WRAP: True})
    with pytest.raises(KeyUnextractable):
        wrapping.wrap_key(kek, mechanism=Mechanism.AES_KEY_WRAP_PAD)
    with pytest.raises(pkcs11.exceptions.PKCS11Error):  # CKA_MODIFIABLE false: it cannot be made extractable
        kek[Attribute.EXTRACTABLE] = True
    assert kek[Attribute.EXTRACTABLE] is False


PLANTED = [
    ("extractable", {Attribute.EXTRACTABLE: True, Attribute.SENSITIVE: True}, "non-extractable"),
    ("not sensitive", {Attribute.EXTRACTABLE: False, Attribute.SENSITIVE: False}, "sensitive"),
    ("able to wrap keys", {Attribute.EXTRACTABLE: False, Attribute.SENSITIVE: True, Attribute.WRAP: True}, "wrap"),
]


@pytest.mark.parametrize(("name", "template", "message"), PLANTED, ids=[row[0] for row in PLANTED])
def test_a_planted_key_object_that_could_leave_the_token_is_refused_by_label(
    keyring: TokenKeyring, hsm: SoftHsm, token: Pkcs11Token, name: str, template: dict[Attribute, Any], message: str
) -> None:
    label = kek_label(Regime.REGULIER, 3)  # would become the primary KEK
    session = _raw_session(hsm, token.label)
    session.generate_key(KeyType.AES, 256, label=label, store=True, template={Attribute.TOKEN: True, **template})
    with pytest.raises(KeyMaterialError, match=rf"{label}.*{message}"):
        TokenKeyring(token)
    with pytest.raises(KeyMaterialError):  # a keyring already in use refuses it on its next read of the token
        keyring.check()


def test_a_key_with_our_prefix_but_no_kek_label_is_refused(
    keyring: TokenKeyring, hsm: SoftHsm, token: Pkcs11Token
) -> None:
    session = _raw_session(hsm, token.label)
    session.generate_key(KeyType.AES, 256, label="deelpoort-kek-zorg-v1", store=True, template={Attribute.TOKEN: True})
    with pytest.raises(KeyMaterialError, match="'deelpoort-kek-zorg-v1': not a KEK label"):
        TokenKeyring(token)


def test_a_token_without_a_kek_for_a_regime_is_refused_naming_it(token: Pkcs11Token) -> None:
    TokenKeyring.zonder_controle(token).create_kek(Regime.REGULIER)
    with pytest.raises(KeyMaterialError, match=r"no KEK for regime cter.*keys pkcs11-init"):
        TokenKeyring(token)


def test_a_version_in_both_the_file_and_the_token_is_refused(token: Pkcs11Token, legacy: Keyring) -> None:
    plain = TokenKeyring.zonder_controle(token)  # without the file: it would number the token's KEKs from 1
    for regime in Regime:
        plain.create_kek(regime)
    with pytest.raises(KeyMaterialError, match="version 1 is both in the secrets file and in the token"):
        TokenKeyring(token, legacy)


OPEN_FAILURES = [
    ("a missing module", "/nonexistent/libpkcs11.so", None, None, "cannot be loaded"),
    ("a missing token", None, "geen-token-met-dit-label", None, "not found"),
    ("an empty PIN", None, None, "", "no user PIN"),
]


@pytest.mark.parametrize(
    ("name", "module", "label", "pin", "message"), OPEN_FAILURES, ids=[row[0] for row in OPEN_FAILURES]
)
def test_opening_fails_naming_what_is_wrong(
    hsm: SoftHsm, name: str, module: str | None, label: str | None, pin: str | None, message: str
) -> None:
    with pytest.raises(KeyMaterialError, match=message) as raised:
        Pkcs11Token(module or str(hsm.module), label or "deelpoort-test-0", PIN if pin is None else pin).open()
    assert PIN not in str(raised.value)


def test_a_wrong_pin_is_refused_and_never_shown(hsm: SoftHsm, leeg_token: str) -> None:
    wrong = "fout-4711-pin"
    with pytest.raises(KeyMaterialError, match="user PIN is wrong") as raised:
        Pkcs11Token(str(hsm.module), leeg_token, wrong).open()
    assert wrong not in str(raised.value) and wrong not in repr(Pkcs11Token(str(hsm.module), leeg_token, wrong))
    Pkcs11Token(str(hsm.module), leeg_token, PIN).open()  # the right one still works (not locked after one try)
    with pytest.raises(KeyMaterialError, match="another PIN"):  # once open, this process does not switch PINs
        Pkcs11Token(str(hsm.module), leeg_token, wrong).open()


def test_threads_unwrap_at_once_without_mixing_up(gedeeld: TokenKeyring) -> None:
    keyring = gedeeld
    wrapped = {f"{n:032x}": keyring.new_data_key(Regime.REGULIER, f"{n:032x}") for n in range(16)}
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(8):
                for casus_id, (data_key, blob) in wrapped.items():
                    assert keyring.unwrap(Regime.REGULIER, casus_id, blob).key_id == data_key.key_id
                    keyring.new_data_key(Regime.CTER, casus_id)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []


def _in_child(keyring: TokenKeyring, wrapped: bytes, out: Any) -> None:
    try:
        key_id = keyring.unwrap(Regime.REGULIER, CASUS, wrapped).key_id
        _, fresh = keyring.new_data_key(Regime.REGULIER, OTHER_CASUS)
        out.send((key_id, fresh))
    except BaseException as exc:
        out.send(repr(exc))


def test_a_forked_child_opens_the_token_again_and_shares_its_keks(gedeeld: TokenKeyring) -> None:
    keyring = gedeeld
    data_key, wrapped = keyring.new_data_key(Regime.REGULIER, CASUS)
    context = multiprocessing.get_context("fork")  # as a gunicorn worker of a preloaded app
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_in_child, args=(keyring, wrapped, send))
    child.start()
    answer = receive.recv()
    child.join(timeout=30)
    assert child.exitcode == 0 and isinstance(answer, tuple), answer
    key_id, fresh = answer
    assert key_id == data_key.key_id
    assert keyring.unwrap(Regime.REGULIER, OTHER_CASUS, fresh).key_id  # the parent still works, and reads it
    assert [key.label for key in keyring.token.keks().values()]  # handles still valid in the parent


def test_a_new_key_object_is_seen_after_refresh_and_destroy_leaves_no_object(
    keyring: TokenKeyring, hsm: SoftHsm, token: Pkcs11Token
) -> None:
    assert keyring.create_kek(Regime.REGULIER) == 3 and keyring.primary_version(Regime.REGULIER) == 3
    with pytest.raises(KeyMaterialError, match="primary"):
        keyring.destroy_kek(Regime.REGULIER, 3)
    keyring.destroy_kek(Regime.REGULIER, 2)
    session = _raw_session(hsm, token.label)
    labels = {key.label for key in session.get_objects({Attribute.CLASS: ObjectClass.SECRET_KEY})}
    assert labels == {kek_label(Regime.REGULIER, 3), kek_label(Regime.CTER, 2)}
    assert keyring.versions(Regime.REGULIER) == (1, 3)
