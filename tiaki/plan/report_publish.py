"""Building, rendering and signing off the annual report (seed 002: the Department of Labour
"will compile an annual report on progress").

``report_content`` turns a live :class:`~tiaki.plan.report.AnnualReport` into plain data;
the HTML and PDF downloads are both rendered from that data, so a signed-off build prints
exactly the figures it held when it was built, with the data's as-of time, years later.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from tiaki.accounts.roles import Role
from tiaki.audit.services import Action, audit_record
from tiaki.core.pdf import Document
from tiaki.core.policy import Refused
from tiaki.plan.metrics import Period
from tiaki.plan.models import Plan
from tiaki.plan.report import AnnualReport, annual_report
from tiaki.plan.report_models import ReportBuild


def report_content(report: AnnualReport, *, as_of: str) -> dict[str, Any]:
    return {
        "title": report.title, "year": report.year, "as_of": as_of,
        "start": report.start.isoformat(), "last_day": report.last_day.isoformat(),
        "reference_day": report.reference_day.isoformat(),
        "status_counts": [[label, count] for _, label, count in report.status_counts],
        "completed": report.completed_this_year, "overdue": report.overdue,
        "items": [{
            "number": e.item.number, "section": e.item.section.title, "action": e.item.action,
            "objective": e.item.objective, "measure": e.item.measure,
            "agencies": e.item.agency_codes(), "status": e.status_label, "overdue": e.overdue,
            "principles": [p.code for p in e.item.related_principles.all()],
            "goals": [g.number for g in e.item.related_goals.all()],
            "measures": [{"current": m.current.as_dict(), "previous": m.previous.as_dict()}
                         for m in e.measures],
            "updates": [{"on": u.reported_on.isoformat(), "agency": u.agency.code,
                         "status": u.get_status_display(), "narrative": u.narrative}
                        for u in e.updates],
        } for e in report.items],
    }


def content_html(content: dict[str, Any]) -> str:
    return render_to_string("plan/report_document.html", {"c": content})


def content_pdf(content: dict[str, Any]) -> bytes:
    doc = Document(title=content["title"], author="Tiaki",
                   footer=f"{content['title']} · figures as at {content['as_of']}")
    doc.heading(content["title"])
    doc.text(f"Period: {content['start']} to {content['last_day']}. Status as at "
             f"{content['reference_day']}. Figures as they stood at {content['as_of']}.")
    doc.heading("Summary", 2)
    doc.bars([(label, count) for label, count in content["status_counts"]])
    doc.text("Completed during the period: " + (", ".join(map(str, content["completed"]))
                                                or "none"))
    doc.text("Overdue: " + (", ".join(map(str, content["overdue"])) or "none"))
    section = ""
    for item in content["items"]:
        if item["section"] != section:
            section = item["section"]
            doc.heading(section, 2)
        doc.heading(f"Item {item['number']}: {item['action']}", 3)
        doc.small(f"Objective: {item['objective']}  ·  Agencies: {', '.join(item['agencies'])}"
                  f"  ·  Measure: {item['measure']}")
        doc.text(f"Status: {item['status']}" + (" (overdue)" if item["overdue"] else ""))
        for row in item["measures"]:
            current, previous = row["current"], row["previous"]
            detail = ", ".join(f"{k} {v}" for k, v in current["breakdown"].items())
            doc.text(f"{current['label']}: {current['value']} {current['unit']}".rstrip()
                     + (f" ({detail})" if detail else ""))
            doc.bars([("This period", float(current["value"])),
                      ("Previous period", float(previous["value"]))])
        for update in item["updates"]:
            doc.small(f"{update['on']}, {update['agency']}, {update['status']}: "
                      f"{update['narrative']}")
        if not item["updates"]:
            doc.small("No progress reported in the period.")
    return doc.render()


def report_build_request(*, actor: Any, plan: Plan, year: int | None = None,
                         period: Period | None = None) -> ReportBuild:
    """Queue a build of a plan year's report, or of any period's, for download and sign-off
    (secretariat)."""
    from tiaki.plan.tasks import build_annual_report

    if not actor.has_role(Role.SECRETARIAT):
        raise Refused(_("the working group's secretariat builds the annual report"))
    if (year is None) == (period is None):
        raise Refused(_("choose a plan year or a period, not both"))
    if year is not None and year < 1:
        raise Refused(_("plan years count from 1"))
    if period is not None and period.start < plan.start_date:
        raise Refused(_("the plan started on %(start_date)s: choose a period from then") % {
                          "start_date": format(plan.start_date, '%-d %B %Y')})
    with transaction.atomic():
        build = ReportBuild.objects.create(
            plan=plan, year=year, requested_by=actor,
            start=period.start if period else None, end=period.end if period else None)
        audit_record(actor=actor, action=Action.CREATE, obj=build,
                     summary=f"Progress report {build.label} build requested")
    build_annual_report.enqueue(build_id=build.pk)
    return build


def report_build_run(*, build_id: int) -> ReportBuild:
    """Build the report, keeping its progress on the row for the page to show."""
    build = ReportBuild.objects.select_related("plan").get(pk=build_id)
    if build.frozen:
        return build
    ReportBuild.objects.filter(pk=build.pk).update(status=ReportBuild.Status.RUNNING,
                                                   progress=0)

    def progress(done: int, total: int) -> None:
        ReportBuild.objects.filter(pk=build.pk).update(progress=int(90 * done / total))

    try:
        as_of = timezone.now()
        period = (Period(build.start, build.end)
                  if build.start is not None and build.end is not None else None)
        report = annual_report(plan=build.plan, year=None if period else build.year,
                               period=period, items=build.plan.items.all(), progress=progress)
        content = report_content(report, as_of=f"{timezone.localtime(as_of):%Y-%m-%d %H:%M %Z}")
        html, pdf = content_html(content), content_pdf(content)
    except Exception as exc:
        ReportBuild.objects.filter(pk=build.pk).update(status=ReportBuild.Status.FAILED,
                                                       message=str(exc)[:300])
        raise
    ReportBuild.objects.filter(pk=build.pk).update(
        status=ReportBuild.Status.DONE, progress=100, as_of=as_of, content=content,
        html=html, pdf=pdf)
    build.refresh_from_db()
    return build


def report_sign_off(*, actor: Any, build: ReportBuild) -> ReportBuild:
    """The secretariat signs the built report off; from then on it cannot change."""
    if not actor.has_role(Role.SECRETARIAT):
        raise Refused(_("the working group's secretariat signs the annual report off"))
    if build.frozen:
        raise Refused(_("this report is already signed off"))
    if build.status != ReportBuild.Status.DONE:
        raise Refused(_("the report has not finished building"))
    with transaction.atomic():
        build.signed_off_by = actor
        build.signed_off_at = timezone.now()
        build.save()
        audit_record(actor=actor, action=Action.UPDATE, obj=build,
                     summary=f"Progress report {build.label} signed off",
                     changes={"as_of": build.as_of})
    return build
