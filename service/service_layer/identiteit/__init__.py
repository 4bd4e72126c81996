"""Identity: who is asking. Bearer tokens for systems and people, web sessions for the pages.

Invariants:
- Only hashes of tokens and session secrets are stored; comparisons are constant-time.
- Every request re-checks the stored credential, the gebruiker and its partner: nothing about identity lives
  only in one worker's memory.
"""
