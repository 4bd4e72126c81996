"""Deelpoort's cryptography: the only package that imports `cryptography`.

Recipes, not primitives: every algorithm, nonce and encoding decision is made here, and callers see a
small API.

- `Keyring`: a versioned key-encryption key per regime; wraps, unwraps and rewraps per-casus data keys.
- `FieldCipher`: AES-256-GCM field encryption bound to casus, veld and data key.
- `DekCache`: unwrapped data keys kept per worker, bounded in size and time.
- `BlindIndex`: keyed HMAC-SHA256 of a BSN, one key per regime.
- `CheckpointSigner` / `CheckpointVerifier`: Ed25519 checkpoint signatures with signed-note key ids.
- `routeer_pseudoniem`: the routeeroverleg participants' pseudonym (HMAC-SHA256 under their shared key).
- `lees_clientcertificaat`: a client certificate forwarded by the mTLS proxy, read into its OIN and validity.
- `KeyMaterial` and friends: generating, loading, validating and rotating the key file.
- `TokenKeyring` (`token_keyring.py`, over `hsm_token.py`): the KEKs as non-extractable key objects in a PKCS#11
  token (through python-pkcs11, imported only by those two modules), the same interface as `Keyring` (`KekRing`).
- `verifieer_id_token` (`id_token.py`): an OpenID Connect id token checked against its provider's JWKS (through
  joserfc); it raises `IdTokenError` naming the failed check, since it guards no secret of ours.

Invariants:
- Every failure to decrypt, unwrap or verify raises the one opaque `CryptoError`, with the same message
  whatever the cause. Configuration problems at load time raise `KeyMaterialError`, which names the key.
- No key bytes appear in any repr, message or log line produced here.
- Ciphertexts and wrapped keys are bound to their place (casus, veld, regime, key version) through AES-GCM
  associated data; moved anywhere else they fail to decrypt (DESIGN invariant 4).
- Regular and CTER data never share a key: KEKs and blind index keys are per regime and must be distinct
  (DESIGN invariant 5).
- Destroying a casus's wrapped data key makes its data unreadable; a running worker can keep using it for
  at most `DekCache.ttl_seconds` (DESIGN invariant 9).
- Randomness comes from the operating system only; times and nonces are parameters only in private hooks
  used to build test vectors.
"""

from service.crypto.blind_index import BlindIndex, normalise_bsn
from service.crypto.certificaat import CertificaatError, lees_clientcertificaat
from service.crypto.data_key import DataKey
from service.crypto.dek_cache import DekCache
from service.crypto.errors import CryptoError, KeyMaterialError
from service.crypto.field_cipher import FieldCipher, key_id_of_token
from service.crypto.keyring import KekRing, Keyring, kek_version_of
from service.crypto.material import (
    KeyMaterial,
    add_kek_version,
    generate_key_material,
    key_material_from_environment,
    key_material_from_json,
    load_key_material,
    parse_key_material,
    retire_kek_version,
    with_client_secret,
    without_keks,
)
from service.crypto.routeeroverleg import (
    nieuwe_routeersleutel,
    normaliseer_geboortedatum,
    normaliseer_naam,
    routeer_pseudoniem,
)
from service.crypto.signing import CheckpointSigner, CheckpointVerifier, note_key_hash
from service.crypto.sleutelbestand import write_development_keys, write_key_file

__all__ = [
    "BlindIndex",
    "CertificaatError",
    "CheckpointSigner",
    "CheckpointVerifier",
    "CryptoError",
    "DataKey",
    "DekCache",
    "FieldCipher",
    "KekRing",
    "KeyMaterial",
    "KeyMaterialError",
    "Keyring",
    "add_kek_version",
    "generate_key_material",
    "kek_version_of",
    "key_id_of_token",
    "key_material_from_environment",
    "key_material_from_json",
    "lees_clientcertificaat",
    "load_key_material",
    "nieuwe_routeersleutel",
    "normalise_bsn",
    "normaliseer_geboortedatum",
    "normaliseer_naam",
    "note_key_hash",
    "parse_key_material",
    "retire_kek_version",
    "routeer_pseudoniem",
    "with_client_secret",
    "without_keks",
    "write_development_keys",
    "write_key_file",
]
