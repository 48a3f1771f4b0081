"""Reads for the screening pages and API: queues, profile review, previews."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone

from tiaki.audit.services import audit_read
from tiaki.core.memo import remembered
from tiaki.core.policy import get_visible, visible
from tiaki.screening.checks import traveller_facts
from tiaki.screening.models import (
    Alert,
    Disposition,
    IngestBatch,
    Post,
    RiskProfile,
    RiskProfileVersion,
    Traveller,
    WatchlistEntry,
)
from tiaki.screening.rules import compile_rule

PREVIEW_DAYS = 30
PREVIEW_SHOWN = 50
POSITIVE = (Disposition.Outcome.REFERRED, Disposition.Outcome.TRAFFICKING)


def alerts_for(user: Any) -> QuerySet[Alert]:
    return visible(user, Alert).select_related(
        "traveller", "post", "profile_version__profile", "watchlist_entry", "lost_document",
        "disposition")


def alert_open(user: Any, pk: int) -> Alert:
    """One alert for its page; reading a traveller's details is recorded in the audit trail."""
    alert = get_visible(user, alerts_for(user), pk=pk)
    audit_read(actor=user, obj=alert.traveller, summary=f"Alert {alert.pk} opened")
    return alert


def disposition_report_visible(user: Any, alert: Alert) -> bool:
    """Whether ``user`` may open the triage item this alert's disposition opened."""
    from tiaki.intake.models import Report

    disposition = getattr(alert, "disposition", None)
    report_id = disposition.report_id if disposition is not None else None
    return report_id is not None and visible(user, Report).filter(pk=report_id).exists()


def alert_queue(user: Any, post: Post | None, *, open_only: bool = True) -> QuerySet[Alert]:
    # A page of the queue joins only what every row shows (traveller, queue, disposition)
    # and reads what fired each alert in three small queries: joining all seven relations
    # cost PostgreSQL 15-35 ms a page just to plan (the query itself ran in 3 ms; issue 16).
    alerts = visible(user, Alert).select_related("traveller", "post", "disposition")
    alerts = alerts.prefetch_related("profile_version__profile", "watchlist_entry",
                                     "lost_document")
    if post is not None:
        alerts = alerts.filter(post=post)
    if open_only:
        alerts = alerts.filter(decided=False)
    return alerts.order_by("created_at", "pk")


# What the alerts list never shows: the rule's explanation and the traveller's lists and
# address (JSON each row would decode; issue 16). The alert's own page reads them.
_NOT_LISTED = ("explanation", "traveller__other_names", "traveller__itinerary",
               "traveller__parties", "traveller__phones", "traveller__emails",
               "traveller__address", "traveller__extra")


def alert_list(user: Any) -> QuerySet[Alert]:
    """Every alert ``user`` sees, for the alerts list and its export (open and decided: the
    list's own filter narrows it)."""
    return alert_queue(user, None, open_only=False).defer(*_NOT_LISTED)


@dataclass(frozen=True)
class QueueCount:
    post: Post
    open: int


def posts_visible(user: Any) -> list[Post]:
    """The posts whose queues ``user`` sees, with their agencies, by code: read once a
    request (the queue page lists them and its filter offers them)."""
    def read() -> tuple[Post, ...]:
        return tuple(visible(user, Post).select_related("agency").order_by("code"))

    return list(remembered(("visible posts", user.pk), read))


def queue_counts(user: Any) -> list[QueueCount]:
    posts = posts_visible(user)
    # Only open alerts are read (the partial index), not every alert joined to its post.
    counts = dict(Alert.objects.filter(decided=False, post__in=[p.pk for p in posts])
                  .order_by().values_list("post").annotate(n=Count("id")))
    return [QueueCount(p, counts.get(p.pk, 0)) for p in posts]


@dataclass(frozen=True)
class VersionReview:
    version: RiskProfileVersion
    alerts: int
    decided: int
    positive: int

    @property
    def precision(self) -> float | None:
        """Share of decided alerts that officers referred or reported (item 9's review)."""
        return self.positive / self.decided if self.decided else None


def profile_review(user: Any) -> list[VersionReview]:
    """Hit precision per published or retired version, from officers' dispositions."""
    versions = visible(user, RiskProfileVersion).exclude(
        status=RiskProfileVersion.Status.DRAFT).select_related("profile").annotate(
        n_alerts=Count("alerts"),
        n_decided=Count("alerts", filter=Q(alerts__disposition__isnull=False)),
        n_positive=Count("alerts", filter=Q(alerts__disposition__outcome__in=POSITIVE)),
    ).order_by("profile__name", "-number")
    return [VersionReview(v, v.n_alerts, v.n_decided, v.n_positive)
            for v in versions]


@dataclass(frozen=True)
class MonthCount:
    month: dt.date
    reports: int


def border_reports(user: Any, months: int = 12) -> tuple[int, list[MonthCount]]:
    """Reports from border staff about suspected trafficking (item 10): total and by month."""
    since = timezone.now() - dt.timedelta(days=31 * months)
    reports = visible(user, Disposition).filter(outcome=Disposition.Outcome.TRAFFICKING)
    by_month = (reports.filter(decided_at__gte=since).annotate(month=TruncMonth("decided_at"))
                .values("month").annotate(n=Count("pk")).order_by("month"))
    return reports.count(), [MonthCount(row["month"], row["n"]) for row in by_month]


@dataclass(frozen=True)
class Preview:
    checked: int
    hits: int
    shown: list[Traveller]
    since: dt.datetime


def profile_preview(user: Any, expression: str, days: int = PREVIEW_DAYS) -> Preview:
    """How many of last month's records the rule would hit, and which (the first 50).

    Raises ``rules.RuleError`` for a rule that does not compile.
    """
    rule = compile_rule(expression)
    since = timezone.now() - dt.timedelta(days=days)
    checked = hits = 0
    shown: list[Traveller] = []
    for traveller in visible(user, Traveller).filter(created_at__gte=since).order_by(
            "-created_at", "-pk").iterator(chunk_size=2000):
        checked += 1
        if rule.matches(traveller_facts(traveller)):
            hits += 1
            if len(shown) < PREVIEW_SHOWN:
                shown.append(traveller)
    return Preview(checked, hits, shown, since)


def profiles_for(user: Any) -> QuerySet[RiskProfile]:
    return visible(user, RiskProfile).select_related("owner", "owner_agency").prefetch_related(
        "versions")


def batches_for(user: Any) -> QuerySet[IngestBatch]:
    return visible(user, IngestBatch).select_related("uploaded_by")


def intelligence_link(user: Any, alert: Alert) -> str:
    """The page of the intelligence behind an alert's "intelligence" watchlist entry, for
    a user who may see the nomination's report; "" for everyone else (the entry itself
    says only that it came from intelligence)."""
    entry = alert.watchlist_entry
    if entry is None or entry.list_name != "intelligence":
        return ""
    # Imported here: intelligence builds on screening (it feeds the list through
    # screening's import), not the other way round.
    from tiaki.intelligence.watchlist import nomination_visible

    if not nomination_visible(user, entry.external_id):
        return ""
    return reverse("intelligence:nomination", args=[entry.external_id])


def watchlists(user: Any) -> list[dict[str, Any]]:
    rows = visible(user, WatchlistEntry).filter(active=True).values(
        "list_name", "owner_agency__short", "owner_agency__name").annotate(
        entries=Count("pk")).order_by("list_name")
    return [dict(row) for row in rows]


@dataclass(frozen=True)
class FraudRow:
    issuer: str
    status: str
    alerts: int
    confirmed: int


def document_fraud(user: Any) -> list[FraudRow]:
    """Lost/stolen document hits by issuing state and register status, with how many
    officers referred or reported: the "analysis of fraud occurrences" (items 11-12)."""
    rows = (alerts_for(user).filter(source=Alert.Source.LOST_DOCUMENT)
            .values("lost_document__issuer", "lost_document__status")
            .annotate(n=Count("pk"),
                      confirmed=Count("pk", filter=Q(disposition__outcome__in=POSITIVE)))
            .order_by("-n", "lost_document__issuer"))
    return [FraudRow(r["lost_document__issuer"], r["lost_document__status"], r["n"],
                     r["confirmed"]) for r in rows]
