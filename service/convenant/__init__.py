"""Loading and validating the convenant registry (`convenants/*.yaml`) into the domain.

Invariants:
- A `Convenant` leaves this package only when every file parsed, every entry matched its schema (unknown keys
  refused) and every reference resolved across all files; otherwise `ConvenantError` lists every problem found,
  each naming the file, the entry and what is wrong.
- Loading reads files and nothing else: no database, no network, no secrets.
"""

from service.convenant.errors import ConvenantError, Problem
from service.convenant.loader import load_convenanten, parse_convenant_text

__all__ = ["ConvenantError", "Problem", "load_convenanten", "parse_convenant_text"]
