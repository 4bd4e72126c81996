"""Plain Casbin over the same model and lines: the reference the compiled table is proven against.

Never used to answer a disclosure (one `enforce()` call is linear in the policy size); used only by the
equivalence tests and the benchmark.
"""

from __future__ import annotations

import casbin
from casbin.model import Model

from service.access.policy import Policy


def plain_enforcer(policy: Policy) -> casbin.Enforcer:
    """A fresh in-memory Enforcer holding the policy's lines and the convenant's role links."""
    model = Model()
    model.load_model_from_text(policy.model_text)
    enforcer = casbin.Enforcer(model)
    if policy.lines:
        enforcer.add_named_policies("p", [list(line.values()) for line in policy.lines])
    if policy.partner_links:
        enforcer.add_named_grouping_policies("g", [list(link) for link in policy.partner_links])
    if policy.veld_links:
        enforcer.add_named_grouping_policies("g2", [list(link) for link in policy.veld_links])
    return enforcer
