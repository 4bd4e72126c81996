"""The witness (getuige): an independent process that cosigns the verstrekking log's checkpoints (C2SP
tlog-witness) when they are consistent with the last one it cosigned (DESIGN invariant 13; `docs/getuige.md`).

- `inrichting`: its configuration file (key file, storage file, the logs it witnesses).
- `sleutel`: its key file, for the operator's commands.
- `getuige`: the use cases over its own storage (`adapters/getuige_store.py`) and the pure decision
  (`audit/getuige.py`).

Invariants:
- The witness never touches Deelpoort's database or keys: it has its own key, its own SQLite file, and knows
  each log only by its origin and public checkpoint key.
- See `getuige.py` for the atomicity of a cosignature and its storage.
"""

from service.service_layer.getuige.getuige import Getuige, GetuigeStatus, open_getuige
from service.service_layer.getuige.inrichting import GetuigeConfig, GetuigeConfigError, configuratie, lees_configuratie
from service.service_layer.getuige.sleutel import nieuwe_sleutel, vkey_van

__all__ = [
    "Getuige",
    "GetuigeConfig",
    "GetuigeConfigError",
    "GetuigeStatus",
    "configuratie",
    "lees_configuratie",
    "nieuwe_sleutel",
    "open_getuige",
    "vkey_van",
]
