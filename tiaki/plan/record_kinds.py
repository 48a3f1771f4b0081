"""The kinds of structured record an agency can file, and the measures each one feeds.

One entry per typed model in ``tiaki.plan.records``: its URL slug, the fields a person
fills in, and the metric codes that read it (shown on the page so whoever records knows
which measure their entry moves).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

from tiaki.plan import records


@dataclass(frozen=True)
class RecordKind:
    slug: str
    title: str
    model: type[models.Model]
    fields: tuple[str, ...]
    metrics: tuple[str, ...]
    date_field: str


KINDS: dict[str, RecordKind] = {kind.slug: kind for kind in (
    RecordKind("training", "Training sessions", records.TrainingSession,
               ("held_on", "title", "audience", "people_trained", "evaluations_returned",
                "rated_effective"), ("training.people_trained", "training.rated_effective"),
               "held_on"),
    RecordKind("surveys", "Awareness surveys", records.AwarenessSurvey,
               ("conducted_on", "audience", "respondents", "aware"),
               ("awareness.officials_aware",), "conducted_on"),
    RecordKind("campaigns", "Awareness campaigns", records.Campaign,
               ("name", "launched_on", "ended_on", "channels", "reach", "evaluated_on",
                "recall_percent"), ("campaigns.reach",), "launched_on"),
    RecordKind("research", "Research projects", records.ResearchProject,
               ("title", "scoped_on", "status", "peer_reviewed_on", "peer_reviewer",
                "review_outcome"), ("research.peer_reviewed",), "scoped_on"),
    RecordKind("engagement", "International engagement", records.EngagementEvent,
               ("held_on", "kind", "forum", "country", "outcome"), ("engagement.events",),
               "held_on"),
    RecordKind("grants", "Development assistance grants", records.DevelopmentGrant,
               ("recipient", "country", "project", "amount_nzd", "awarded_on",
                "accounts_due_on", "accounts_received_on"),
               ("grants.awarded", "grants.statements_of_accounts"), "awarded_on"),
    RecordKind("policy", "Policy decisions", records.PolicyDecision,
               ("item", "decided_on", "kind", "outcome", "decided_by", "summary"),
               ("plan.policy_decisions",), "decided_on"),
    RecordKind("feedback", "Feedback from victims, advisers and interpreters",
               records.Feedback, ("received_on", "service", "respondent", "rating", "comment"),
               ("feedback.court_support", "feedback.interpreting"), "received_on"),
    RecordKind("information", "Victims' information: pamphlets and information line",
               records.InformationActivity, ("month", "kind", "language", "quantity"),
               ("victims_info.pamphlets", "victims_info.line_calls"), "month"),
)}


def kind_of(model: type[models.Model]) -> RecordKind:
    return next(k for k in KINDS.values() if k.model is model)
