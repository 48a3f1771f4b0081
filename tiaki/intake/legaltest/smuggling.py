"""Does the case look like people smuggling rather than trafficking?

Seed 002: "People smuggling and people trafficking are different crimes. People smuggling
relates to a migrant voluntarily paying a smuggler to facilitate illegal entry into another
country ...". The signals, and when they are enough, come from the ``smuggling`` section of
the legal file (Crimes Act 1961 s98C; Smuggling of Migrants Protocol art. 3(a)).
"""

from __future__ import annotations

from collections.abc import Mapping

from tiaki.intake.legaltest.findings import ElementFinding, SmugglingFinding
from tiaki.intake.legaltest.model import Element, Signal, SmugglingRules
from tiaki.intake.legaltest.observations import Facts


def _holds(signal: Signal, facts: Facts) -> bool:
    # ``is`` on purpose: an unknown fact (None) holds neither way.
    return facts.flag(signal.fact) is signal.expect


def evaluate_smuggling(
    rules: SmugglingRules, facts: Facts, elements: Mapping[Element, ElementFinding]
) -> SmugglingFinding:
    present = [s for s in rules.signals if _holds(s, facts)]
    contra = [s for s in rules.contra_signals if _holds(s, facts)]
    required_ok = all(_holds(s, facts) for s in rules.signals if s.role == "required")
    supporting = sum(1 for s in present if s.role == "supporting")
    trafficking_signs = [
        e for e in sorted(rules.blocked_by_elements) if elements[e].status != "missing"
    ]
    blocked = required_ok and bool(contra or trafficking_signs)
    likely = required_ok and supporting >= rules.min_supporting and not blocked

    reasons: list[str] = []
    if likely:
        reasons.append(
            "This looks like people smuggling rather than trafficking: "
            + " ".join(s.text for s in present)
        )
        reasons.append(rules.likely_text)
        reasons.append(f"{rules.label}: " + " ".join(rules.test))
        reasons.append("The difference, in the words of the 2009 Plan of Action: " + rules.seed_002)
    elif blocked:
        reasons.append(rules.blocked_text)
        reasons.extend(s.text for s in contra)
    return SmugglingFinding(
        likely=likely,
        blocked=blocked,
        signals=tuple(s.text for s in present),
        contra=tuple(s.text for s in contra),
        reasons=tuple(reasons),
    )
