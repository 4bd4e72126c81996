"""The service layer: Deelpoort's use cases, one package per capability.

Every use case is a plain function that receives `Services` (the concrete parts picked by the composition root)
and opens its own unit of work; it decides with the pure functions of `service.domain`, `service.access` and
`service.audit`, and stores and reads only through the unit of work's repositories.

| package | capability |
|---|---|
| `casus/` | aanmelding and bijdragen, the lifecycle (triage, deelnemers, afsluiting), overdracht, bewaring |
| `verstrekking/` | a verstrekking: load, decide (`domain.beslissing`), log, decrypt what is released, answer |
| `routeeroverleg/` | the early joint triage: signals, matches, besluit, expiry |
| `logboek/` | the tamper-evident log as FG and partners check it: verification, proofs, integrity |
| `verantwoording/` | the FG's view of the log: lists, access requests, overview, signals, exports |
| `beleid/` | the field policy: the version in force, proposed versions, their decision diff |
| `beheer/` | four-eyes proposals by beheerders: policy, partner suspension, convenant changes |
| `register/` | the convenant in force per request, its versions, read-only registry queries |
| `identiteit/` | who is asking: bearer tokens and web sessions |
| `getuige/` | a witness of the log (its own process and storage): cosign consistent checkpoints |
| `sleutelbeheer` | development keys, key rotation and retiring old KEK versions |
| `installatie` | the schema (migrations) and telling configuration problems from faults, for the CLI |

Invariants:
- Nothing in this package imports Flask or an entry point; entry points (api, web, cli) call these functions
  and render what they return.
- A use case writes in one unit of work and commits once, after every check passed: a refusal writes nothing
  but, where the invariants ask, its log record.
- Refusals are domain errors (`service.domain.errors`); the API alone maps them to HTTP.
"""
