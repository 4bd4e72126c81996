"""Importing a ZVH's history (`deelpoort import`, docs/import.md): casussen from the region's earlier system,
stored as if they had been entered through Deelpoort when they happened.

One job per module: `formaat` reads a line of the documented JSON Lines format strictly; `toets` judges it as
the aanmelding, the bijdragen and the lifecycle would have (`verloop` replays the history's steps and holds each
value against the bronregels); `opslag` stores a judged casus through the ports the aanmelding uses and makes its
log record; `importeren` is the use case: all lines judged first, all or nothing, idempotent, logged as an import
(never as verstrekkingen or aanleveringen that did not happen through Deelpoort).
"""
