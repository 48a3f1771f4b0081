"""The kinds of structured record an agency can file, and the measures each one feeds.

One entry per typed model in ``tiaki.plan.records``: its URL slug, the fields a person
fills in, and the metric codes that read it (shown on the page so whoever records knows
which measure their entry moves).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tiaki.plan import records


@dataclass(frozen=True)
class RecordKind:
    slug: str
    title: str | Promise
    model: type[models.Model]
    fields: tuple[str, ...]
    metrics: tuple[str, ...]
    date_field: str


KINDS: dict[str, RecordKind] = {kind.slug: kind for kind in (
    RecordKind("training", _("Training sessions"), records.TrainingSession,
               ("held_on", "title", "audience", "people_trained", "evaluations_returned",
                "rated_effective"), ("training.people_trained", "training.rated_effective"),
               "held_on"),
    RecordKind("surveys", _("Awareness surveys"), records.AwarenessSurvey,
               ("conducted_on", "audience", "respondents", "aware"),
               ("awareness.officials_aware",), "conducted_on"),
    RecordKind("campaigns", _("Awareness campaigns"), records.Campaign,
               ("name", "launched_on", "ended_on", "channels", "reach", "evaluated_on",
                "recall_percent"), ("campaigns.reach",), "launched_on"),
    RecordKind("research", _("Research projects"), records.ResearchProject,
               ("title", "scoped_on", "status", "peer_reviewed_on", "peer_reviewer",
                "review_outcome"), ("research.peer_reviewed",), "scoped_on"),
    RecordKind("engagement", _("International engagement"), records.EngagementEvent,
               ("held_on", "kind", "forum", "country", "outcome"), ("engagement.events",),
               "held_on"),
    RecordKind("grants", _("Development assistance grants"), records.DevelopmentGrant,
               ("recipient", "country", "project", "amount_nzd", "awarded_on",
                "accounts_due_on", "accounts_received_on"),
               ("grants.awarded", "grants.statements_of_accounts"), "awarded_on"),
    RecordKind("policy", _("Policy decisions"), records.PolicyDecision,
               ("item", "decided_on", "kind", "outcome", "decided_by", "summary"),
               ("plan.policy_decisions",), "decided_on"),
    RecordKind("feedback", _("Feedback from victims, advisers and interpreters"),
               records.Feedback, ("received_on", "service", "respondent", "rating", "comment"),
               ("feedback.court_support", "feedback.interpreting"), "received_on"),
    RecordKind("information", _("Victims' information: pamphlets and information line"),
               records.InformationActivity, ("month", "kind", "language", "quantity"),
               ("victims_info.pamphlets", "victims_info.line_calls"), "month"),
)}


# The words a person reads for each field of the records (the models keep their English
# verbose names, so the migrations do not change with the catalogue).
LABELS: dict[str, Promise] = {
    "held_on": _("Held on"), "title": _("Title"), "audience": _("Audience"),
    "people_trained": _("People trained"), "evaluations_returned": _("Evaluations returned"),
    "rated_effective": _("Rated effective"), "conducted_on": _("Conducted on"),
    "respondents": _("Respondents"), "aware": _("Aware"), "name": _("Name"),
    "launched_on": _("Launched on"), "ended_on": _("Ended on"), "channels": _("Channels"),
    "reach": _("Reach"), "evaluated_on": _("Evaluated on"),
    "recall_percent": _("Recall percent"), "scoped_on": _("Scoped on"), "status": _("Status"),
    "peer_reviewed_on": _("Peer reviewed on"), "peer_reviewer": _("Peer reviewer"),
    "review_outcome": _("Review outcome"), "kind": _("Kind"), "forum": _("Forum"),
    "country": _("Country"), "outcome": _("Outcome"), "recipient": _("Recipient"),
    "project": _("Project"), "amount_nzd": _("Amount (NZD)"), "awarded_on": _("Awarded on"),
    "accounts_due_on": _("Accounts due on"), "accounts_received_on": _("Accounts received on"),
    "item": _("Item"), "decided_on": _("Decided on"), "decided_by": _("Decided by"),
    "summary": _("Summary"), "received_on": _("Received on"), "service": _("Service"),
    "respondent": _("Respondent"), "rating": _("Rating"), "comment": _("Comment"),
    "month": _("Month"), "language": _("Language"), "quantity": _("Quantity"),
}
HELP_TEXTS: dict[str, Promise] = {
    "audience": _("e.g. border officers, labour inspectors"),
    "rated_effective": _("evaluations rating the training effective"),
    "aware": _("respondents who could name the indicators"),
    "channels": _("media used, e.g. radio, social, print"),
    "reach": _("people reached (estimate)"),
    "recall_percent": _("share of those surveyed who recalled the campaign"),
    "decided_by": _("e.g. Minister of Immigration"),
    "rating": _("1 = very poor, 5 = very good"),
    "month": _("first day of the month counted"),
    "language": _("language code, e.g. mi, sm, zh"),
}


def kind_of(model: type[models.Model]) -> RecordKind:
    return next(k for k in KINDS.values() if k.model is model)
