"""Reads for the triage queue, a report's page, the counts for the Plan, and the API."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import gettext

from tiaki.accounts.models import User
from tiaki.accounts.selectors import staff_of
from tiaki.audit.services import audit_read
from tiaki.core.policy import get_visible, visible
from tiaki.intake.models import Channel, Report, ReportAttachment, ReportLink, ReportToken
from tiaki.intake.policies import TRIAGE_ROLES


def queue(user: Any, *, status: str = "open", mine: bool = False) -> models.QuerySet[Report]:
    """The triage queue: reports routed to the user's agency, risk to life first."""
    reports = visible(user, Report).select_related("assignee", "source_agency")
    if status == "open":
        reports = reports.exclude(status=Report.Status.CLOSED)
    elif status in Report.Status.values:
        reports = reports.filter(status=status)
    if mine:
        reports = reports.filter(assignee=user)
    return reports.order_by("priority", "received_at", "id")


def report_for_triage(user: Any, pk: int) -> Report:
    """One report, recording the read in the audit trail (reports are sensitive)."""
    report = get_visible(user, Report.objects.select_related("assignee", "source_agency"), pk=pk)
    audit_read(actor=user, obj=report, summary=f"Read report {report.reference}")
    return report


def attachment_for_download(user: Any, pk: int) -> ReportAttachment:
    """One attachment, recording the read (a reporter's photo can identify people)."""
    attachment = get_visible(user, ReportAttachment.objects.select_related("report"), pk=pk)
    audit_read(actor=user, obj=attachment,
               summary=f"Downloaded {attachment.label} of report {attachment.report.reference}")
    return attachment


def assignable(report: Report) -> models.QuerySet[User]:
    """Triage staff of the agencies the report was routed to."""
    agencies = [route.agency for route in report.routes.select_related("agency")]
    return staff_of(agencies, TRIAGE_ROLES).order_by("agency__code", "username")


@dataclass
class Suggestion:
    report: Report
    shared: list[str] = field(default_factory=list)


def related_suggestions(user: Any, report: Report, limit: int = 10) -> list[Suggestion]:
    """Other reports the user may see that share a phone, vehicle, name, email or place."""
    mine = list(report.tokens.values_list("kind", "value"))
    if not mine:
        return []
    match = models.Q()
    for kind, value in mine:
        match |= models.Q(kind=kind, value=value)
    linked = set(report.links_out.values_list("to_report_id", flat=True)) | set(
        report.links_in.values_list("from_report_id", flat=True))
    candidates = visible(user, Report).exclude(pk__in=linked | {report.pk})
    shared: dict[int, list[str]] = defaultdict(list)
    for token in (ReportToken.objects.filter(match, report__in=candidates)
                  .order_by("report_id", "kind", "value")):
        shared[token.report_id].append(f"{token.get_kind_display().lower()} “{token.value}”")
    ranked = sorted(shared.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:limit]
    reports = Report.objects.in_bulk([pk for pk, _ in ranked])
    return [Suggestion(reports[pk], tokens) for pk, tokens in ranked]


def links(user: Any, report: Report) -> list[tuple[ReportLink, Report]]:
    visible_ids = set(visible(user, Report).values_list("pk", flat=True))
    found = []
    for link in report.links_out.select_related("to_report"):
        if link.to_report_id in visible_ids:
            found.append((link, link.to_report))
    for link in report.links_in.select_related("from_report"):
        if link.from_report_id in visible_ids:
            found.append((link, link.from_report))
    return found


# --------------------------------------------------------------------------- counts


@dataclass(frozen=True)
class Counts:
    """Counts for the Plan's monitoring (goal 4; items 1-3): no report content."""

    total: int
    by_channel: dict[str, int]
    by_source_agency: dict[str, int]
    by_outcome: dict[str, int]
    by_status: dict[str, int]
    acted_on: int
    median_hours_to_first_action: float | None
    mean_hours_to_first_action: float | None


def report_counts(*, since: dt.datetime | None = None,
                  until: dt.datetime | None = None) -> Counts:
    """Aggregate counts over every report (aggregates name no one, so they are not
    scoped to an agency). Times to first action are in hours; received times are kept to
    the hour, so these are accurate to about an hour."""
    reports = Report.objects.all()
    if since is not None:
        reports = reports.filter(received_at__gte=since)
    if until is not None:
        reports = reports.filter(received_at__lt=until)
    rows = list(reports.values_list("channel", "source_agency__code", "outcome", "status",
                                    "received_at", "first_action_at"))
    # Labels in the reader's language, as plain strings (the choices hold lazy ones).
    channel_labels = {k: str(v) for k, v in Channel.choices}
    outcome_labels = {k: str(v) for k, v in Report.Outcome.choices}
    status_labels = {k: str(v) for k, v in Report.Status.choices}
    hours = [max((acted - received).total_seconds() / 3600, 0.0)
             for *_, received, acted in rows if acted is not None]
    return Counts(
        total=len(rows),
        by_channel=dict(Counter(channel_labels.get(r[0], r[0]) for r in rows).most_common()),
        by_source_agency=dict(Counter(r[1] or gettext("Public (no agency)") for r in rows)
                              .most_common()),
        by_outcome=dict(Counter(outcome_labels.get(r[2], gettext("Open (no outcome yet)"))
                                for r in rows).most_common()),
        by_status=dict(Counter(status_labels.get(r[3], r[3]) for r in rows).most_common()),
        acted_on=len(hours),
        median_hours_to_first_action=round(statistics.median(hours), 1) if hours else None,
        mean_hours_to_first_action=round(statistics.fmean(hours), 1) if hours else None,
    )
