"""A verstrekking: releasing case data to a partner for a doel, exactly as the convenant allows.

Invariants (DESIGN 1, 2, 3):
- Deny by default: the decision (`service.domain.beslissing.beslis`) is a pure value; only its released velden
  are decrypted and returned.
- Log before release, fail closed: the record is durable before anything leaves; refusals are logged too.
- The response is built in one place (`antwoord`) from the released velden, never from stored rows.
"""
