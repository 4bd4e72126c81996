"""Backups and restore (issue 25, point 3; docs/backup.md).

- `journaal`: the destruction journal outside the database (`DEELPOORT_VERNIETIGINGSJOURNAAL`): a line per
  destruction, written by every destruction path after its transaction commits, and the latest signed checkpoint.
- `backup`: `deelpoort backup`, a consistent copy of the database with its manifest (never key material).
- `herstel`: `deelpoort restore`, which keeps the service closed ("herstel bezig") until every destruction since
  the backup is re-applied and the log verifies; `kloof`: what partners may hold that the backup does not.

Invariants:
- Destroyed stays destroyed across a restore: every destruction in the journal, and every one the restored log
  records, is re-applied (idempotently, by the same shredding code) before the mark is cleared.
- A re-application is logged as what it is: a new `vernietiging` record with reden `herstel` naming the record it
  re-applies when there is one, never a copy of the original record.
"""
