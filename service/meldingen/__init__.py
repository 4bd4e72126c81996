"""Dutch for what the service layer says in English: the one place both the pages and the command line read it.

The service layer, its parts and the API speak English to developers (a problem+json `detail` stays English);
a page and a command speak Dutch to the people who use them. Each module here maps the service layer's stable
English texts (matched by fragment or pattern) to Dutch sentences:

- `beheer`: the beheer pages and the refusals of beheer actions: domain errors (`melding`), validation problems
  (`problemen`, `reden`, `naam`);
- `configuratie`: configuration problems as the commands report them (settings, key material, schema, policy
  and convenant files);
- `logboek`: the problems the log's verification finds;
- `opdrachten`: the rest the commands pass on: refusals, import refusals, the backup's journal state;
- `patronen`: the pattern tables the others are written in.

Invariants:
- These modules import only the domain (import-linter: "service.meldingen imports only the domain"), so every
  entry point may read them and they can never reach a database, a key or a request.
- A text is never dropped: an unknown one gets a Dutch sentence of its kind, and where the English detail names
  something an operator must act on (a setting, a file, a key's place) that detail is kept after it.
- Names inside a message (ids, settings, paths, rol, veld and grondslag ids) are kept as they are.
"""
