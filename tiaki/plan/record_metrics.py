"""Metrics that read the agencies' structured records (``tiaki.plan.records``)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, Sum

from tiaki.plan.metrics import MetricResult, Period, counted_by, metric
from tiaki.plan.records import (
    AwarenessSurvey,
    Campaign,
    DevelopmentGrant,
    EngagementEvent,
    Feedback,
    InformationActivity,
    PolicyDecision,
    ResearchProject,
    TrainingSession,
)


def _percent(part: int | None, whole: int | None) -> float:
    return round(100.0 * (part or 0) / whole, 1) if whole else 0.0


@metric("training.people_trained", "Staff trained on trafficking indicators, by agency",
        "people", source="Training sessions recorded by agencies")
def people_trained(period: Period) -> MetricResult:
    rows = (TrainingSession.objects.filter(period.on_days("held_on"))
            .values("agency__code").annotate(n=Sum("people_trained")))
    return counted_by(rows, "agency__code")


@metric("training.rated_effective", "Training evaluations rating it effective", "%",
        source="Evaluations returned from training sessions in the period")
def training_rated_effective(period: Period) -> MetricResult:
    totals = TrainingSession.objects.filter(period.on_days("held_on")).aggregate(
        sessions=Count("id"), returned=Sum("evaluations_returned"),
        effective=Sum("rated_effective"))
    return _percent(totals["effective"], totals["returned"]), {
        "sessions": totals["sessions"] or 0, "evaluations": totals["returned"] or 0,
        "rated effective": totals["effective"] or 0}


@metric("awareness.officials_aware", "Officials surveyed who could name the indicators", "%",
        source="Awareness surveys conducted in the period")
def officials_aware(period: Period) -> MetricResult:
    totals = AwarenessSurvey.objects.filter(period.on_days("conducted_on")).aggregate(
        surveys=Count("id"), respondents=Sum("respondents"), aware=Sum("aware"))
    return _percent(totals["aware"], totals["respondents"]), {
        "surveys": totals["surveys"] or 0, "respondents": totals["respondents"] or 0,
        "aware": totals["aware"] or 0}


@metric("campaigns.reach", "People reached by awareness campaigns", "people",
        source="Campaigns launched in the period, with their evaluation")
def campaign_reach(period: Period) -> MetricResult:
    totals = Campaign.objects.filter(period.on_days("launched_on")).aggregate(
        campaigns=Count("id"), reach=Sum("reach"),
        evaluated=Count("id", filter=Q(evaluated_on__isnull=False)))
    return totals["reach"] or 0, {"campaigns": totals["campaigns"] or 0,
                                  "evaluated": totals["evaluated"] or 0}


@metric("research.peer_reviewed", "Research projects peer reviewed, by outcome", "projects",
        source="Research projects whose peer review was completed in the period")
def research_peer_reviewed(period: Period) -> MetricResult:
    return counted_by(ResearchProject.objects.filter(period.on_days("peer_reviewed_on"))
                      .values("review_outcome").annotate(n=Count("id")), "review_outcome")


@metric("engagement.events", "International engagement, by kind", "events",
        source="Regional meetings, fora and technical assistance recorded by agencies")
def engagement_events(period: Period) -> MetricResult:
    return counted_by(EngagementEvent.objects.filter(period.on_days("held_on"))
                      .values("kind").annotate(n=Count("id")), "kind")


@metric("grants.awarded", "Development assistance awarded", "NZD",
        source="Anti-trafficking development grants awarded in the period")
def grants_awarded(period: Period) -> MetricResult:
    rows = (DevelopmentGrant.objects.filter(period.on_days("awarded_on"))
            .values("country").annotate(n=Sum("amount_nzd")))
    breakdown = {row["country"]: float(row["n"] or 0) for row in rows}
    return round(sum(breakdown.values()), 2), dict(sorted(breakdown.items()))


@metric("grants.statements_of_accounts", "Statements of accounts due in the period",
        "statements", source="Development grants whose accounts fell due in the period")
def statements_of_accounts(period: Period) -> MetricResult:
    due = DevelopmentGrant.objects.filter(period.on_days("accounts_due_on"))
    totals = due.aggregate(
        due=Count("id"),
        received=Count("id", filter=Q(accounts_received_on__isnull=False)))
    return totals["due"] or 0, {"received": totals["received"] or 0,
                                "outstanding": (totals["due"] or 0) - (totals["received"] or 0)}


@metric("plan.policy_decisions", "Policy decisions on this item, by outcome", "decisions",
        source="Ministerial agreements and policy reviews filed against the item", per_item=True)
def policy_decisions(period: Period, item: Any) -> MetricResult:
    return counted_by(PolicyDecision.objects.filter(period.on_days("decided_on"), item=item)
                      .values("outcome").annotate(n=Count("id")), "outcome")


def _feedback(period: Period, service: str) -> MetricResult:
    rows = (Feedback.objects.filter(period.on_days("received_on"), service=service)
            .values("respondent").annotate(n=Count("id"), total=Sum("rating")))
    count = sum(row["n"] for row in rows)
    mean = round(sum(row["total"] for row in rows) / count, 2) if count else 0.0
    return mean, {str(row["respondent"]): int(row["n"]) for row in rows}


@metric("feedback.court_support", "Mean rating of court support (1-5), responses by source",
        "of 5", source="Feedback from victims and advisers received in the period")
def feedback_court_support(period: Period) -> MetricResult:
    return _feedback(period, Feedback.Service.COURT_SUPPORT)


@metric("feedback.interpreting", "Mean rating of interpreting (1-5), responses by source",
        "of 5", source="Feedback from victims and interpreters received in the period")
def feedback_interpreting(period: Period) -> MetricResult:
    return _feedback(period, Feedback.Service.INTERPRETING)


def _information(period: Period, kind: str) -> MetricResult:
    return counted_by(InformationActivity.objects.filter(period.on_days("month"), kind=kind)
                      .values("language").annotate(n=Sum("quantity")), "language")


@metric("victims_info.pamphlets", "Victims' information pamphlets distributed, by language",
        "pamphlets", source="Monthly distribution figures recorded by the Ministry of Justice")
def pamphlets(period: Period) -> MetricResult:
    return _information(period, InformationActivity.Kind.PAMPHLETS)


@metric("victims_info.line_calls", "Calls to the free information line, by language", "calls",
        source="Monthly call figures recorded by the Ministry of Justice")
def line_calls(period: Period) -> MetricResult:
    return _information(period, InformationActivity.Kind.LINE_CALLS)
