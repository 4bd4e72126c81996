"""Seeing the service run: what it counts (`meter.Meter`, the port the composition root fills with Prometheus) and
whether it is ready to serve (`gereedheid`).

Invariants:
- What is counted is labelled with codes only (route templates, methods, statuses, reason codes, soorten):
  never an id or a value, so every label has a small, fixed set of values.
- Counting never changes an answer: a meter that fails is the meter's problem (`Meter` implementations do not
  raise), and a use case runs the same with `GeenMeter`.
"""
