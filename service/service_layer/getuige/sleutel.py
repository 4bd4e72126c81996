"""The witness's key as its operator handles it: make a new key file, show the public verifier key.

Invariants:
- Only the public verifier key (vkey, signature type 0x04) is ever returned; the private key stays in its file.
"""

from __future__ import annotations

from pathlib import Path

from service.crypto.getuigesleutel import lees_getuigesleutel, schrijf_getuigesleutel


def nieuwe_sleutel(naam: str, bestand: Path) -> str:
    """Generate a witness key named `naam` into the new file `bestand` (mode 0600); returns its vkey.

    Raises:
        KeyMaterialError: `naam` is not a valid key name.
        FileExistsError: `bestand` exists.
        OSError: The file cannot be written.
    """
    return schrijf_getuigesleutel(bestand, naam).verifier.verifier_key


def vkey_van(bestand: Path) -> str:
    """The vkey of the witness key in `bestand`.

    Raises:
        KeyMaterialError: The file is missing, unreadable, accessible to others, or not a witness key.
    """
    return lees_getuigesleutel(bestand).verifier.verifier_key
