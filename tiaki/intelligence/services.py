"""State changes for intelligence: policy check, change and audit row in one transaction.

Every read of a report or an entity is audited too (``report_read``, ``entity_read``):
intelligence is sensitive whoever reads it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from tiaki.audit.services import Action, audit_read, audit_record
from tiaki.core.policy import Refused, get_visible, policy_for, visible
from tiaki.core.references import next_reference
from tiaki.intelligence import ftm
from tiaki.intelligence.models import (
    Caveat,
    Entity,
    GradingScheme,
    Link,
    Report,
    Requirement,
)
from tiaki.intelligence.policies import EDIT, VIEW, WRITE_ROLES, visible_reports

PARTNER_CODE = r"^[A-Z]{2}$"


def _writer(actor: Any) -> None:
    if actor is None or not actor.is_active or not actor.has_role(*WRITE_ROLES):
        raise Refused(_("only intelligence analysts may record intelligence"))
    if actor.agency is None:
        raise Refused(_("you must belong to an agency to record intelligence"))


def report_create(*, actor: Any, title: str, text: str, scheme: GradingScheme,
                  source_grade: str, information_grade: str, handling_code: str = "",
                  release: str = Report.Release.AGENCY, partners: Iterable[str] = (),
                  tlp: str = Report.TLP.AMBER, caveats: Iterable[Caveat] = (),
                  requirements: Iterable[Requirement] = (),
                  investigation: Any = None, created_at: dt.datetime | None = None) -> Report:
    """Record a graded report under the actor's agency. Grades must come from the scheme's
    scales; the author must hold every caveat they apply (or they could not read it)."""
    _writer(actor)
    if not title.strip() or not text.strip():
        raise Refused(_("a report needs a title and its text"))
    codes = {"source": [g["code"] for g in scheme.source_scale],
             "information": [g["code"] for g in scheme.information_scale],
             "handling": [g["code"] for g in scheme.handling_codes]}
    if source_grade not in codes["source"]:
        raise Refused(_("source grade %(source_grade)s is not in %(code)s (%(codes)s)") % {
                          "source_grade": repr(source_grade), "code": scheme.code,
                          "codes": ', '.join(codes['source'])})
    if information_grade not in codes["information"]:
        raise Refused(_("information grade %(information_grade)s is not in %(code)s "
                        "(%(codes)s)") % {
                          "information_grade": repr(information_grade), "code": scheme.code,
                          "codes": ', '.join(codes['information'])})
    if codes["handling"] and handling_code not in codes["handling"]:
        raise Refused(_("handling code %(handling_code)s is not in %(code)s (%(codes)s)") % {
                          "handling_code": repr(handling_code), "code": scheme.code,
                          "codes": ', '.join(codes['handling'])})
    if not codes["handling"] and handling_code:
        raise Refused(_("%(code)s has no handling codes") % {"code": scheme.code})
    if release not in Report.Release.values:
        raise Refused(_("unknown release scope %(release)s") % {"release": repr(release)})
    if tlp not in Report.TLP.values:
        raise Refused(_("unknown TLP marking %(tlp)s") % {"tlp": repr(tlp)})
    partner_codes = sorted({p.strip().upper() for p in partners if p.strip()})
    if release == Report.Release.PARTNERS and not partner_codes:
        raise Refused(_("name the partners it may be released to"))
    if release != Report.Release.PARTNERS and partner_codes:
        raise Refused(_("partners can be named only when the report is releasable to partners"))
    if any(len(p) != 2 or not p.isalpha() for p in partner_codes):
        raise Refused(_("partners are two-letter country codes (ISO 3166)"))
    caveat_list = list(caveats)
    held = set(actor.caveat_grants.values_list("caveat_id", flat=True))
    missing = [c.code for c in caveat_list if c.pk not in held]
    if missing:
        raise Refused(_("you do not hold the caveat(s) %(missing)s, so you could not read "
                        "the report you are marking") % {"missing": ', '.join(missing)})
    if investigation is not None:
        from tiaki.investigations.models import Investigation

        get_visible(actor, Investigation, pk=investigation.pk)
    with transaction.atomic():
        report = Report.objects.create(
            reference=next_reference(Report, "INT"), title=title.strip(), text=text.strip(),
            agency=actor.agency.current(), author=actor, scheme=scheme,
            source_grade=source_grade, information_grade=information_grade,
            handling_code=handling_code, release=release, partners=partner_codes, tlp=tlp,
            investigation=investigation, **({"created_at": created_at} if created_at else {}))
        report.caveats.set(caveat_list)
        report.requirements.set(list(requirements))
        audit_record(actor=actor, action=Action.CREATE, obj=report,
                     summary=f"Intelligence report {report.reference} recorded",
                     changes={"grade": report.grade, "scheme": scheme.code,
                              "release": release, "partners": partner_codes, "tlp": tlp,
                              "caveats": sorted(c.code for c in caveat_list)})
    return report


def report_read(*, actor: Any, reference: str, channel: str = "page") -> Report:
    """Fetch a report the actor may see (404 otherwise) and audit the read."""
    report = get_visible(actor, Report, reference=reference)
    with transaction.atomic():
        audit_read(actor=actor, obj=report, summary=f"Read report {report.reference} "
                                                    f"({channel})")
    return report


def reports_listed(*, actor: Any, reports: list[Report], channel: str = "page") -> None:
    """Audit that a list (or search result) showed these reports to the actor."""
    if not reports:
        return
    audit_record(actor=actor, action=Action.READ, object_type="intelligence.report",
                 object_id="", summary=f"Listed {len(reports)} reports ({channel})",
                 changes={"references": [r.reference for r in reports]})


def graph_read(*, actor: Any, what: str, nodes: list[str], channel: str = "page") -> None:
    """Audit a network read: which query, and which nodes it showed."""
    with transaction.atomic():
        audit_record(actor=actor, action=Action.READ, object_type="intelligence.entity",
                     summary=f"Network {what} ({channel})"[:300],
                     changes={"nodes": nodes[:500], "count": len(nodes)})


def report_tag(*, actor: Any, report: Report, requirements: Iterable[Requirement]) -> None:
    policy_for(Report).check(actor, EDIT, report)
    chosen = list(requirements)
    with transaction.atomic():
        report.requirements.add(*chosen)
        audit_record(actor=actor, action=Action.UPDATE, obj=report,
                     summary=f"Report {report.reference} tagged to requirements",
                     changes={"requirements": [r.code for r in chosen]})


def caveat_grant(*, actor: Any, user: Any, caveat: Caveat) -> None:
    from tiaki.accounts.roles import Role

    if not actor.has_role(Role.ADMINISTRATOR):
        raise Refused(_("only an administrator may grant caveats"))
    from tiaki.intelligence.models import CaveatGrant

    with transaction.atomic():
        CaveatGrant.objects.get_or_create(user=user, caveat=caveat,
                                          defaults={"granted_by": actor})
        audit_record(actor=actor, action=Action.UPDATE, obj=user,
                     summary=f"Caveat {caveat.code} granted to {user.username}",
                     changes={"caveat": caveat.code})


# --- entities ------------------------------------------------------------------------


def entity_add(*, actor: Any, report: Report, schema: str,
               properties: Mapping[str, Iterable[str] | str], ftm_id: str = "") -> Entity:
    """Add a FollowTheMoney entity named in ``report``. Entities it refers to must exist
    and be visible to the actor; its edges belong to ``report`` (and so carry its caveats)."""
    policy_for(Report).check(actor, EDIT, report)
    ftm_id = ftm_id or ftm.new_id(report.reference, schema,
                                  str(Entity.objects.filter(report=report).count()))
    try:
        proxy = ftm.validated(schema=schema, properties=properties, ftm_id=ftm_id)
    except ftm.EntityError as exc:
        raise Refused(str(exc)) from exc
    refs = ftm.references(proxy)
    seen = set(visible(actor, Entity).filter(ftm_id__in=refs).values_list("ftm_id", flat=True))
    unknown = [r for r in refs if r not in seen]
    if unknown:
        raise Refused(_("%(schema)s refers to unknown entities: %(unknown)s") % {
                          "schema": schema, "unknown": ', '.join(unknown)})
    if Entity.objects.filter(ftm_id=ftm_id).exists():
        raise Refused(_("entity %(ftm_id)s already exists") % {"ftm_id": ftm_id})
    with transaction.atomic():
        entity = Entity.objects.create(report=report, ftm_id=ftm_id, schema=schema,
                                       properties=proxy.to_dict()["properties"],
                                       caption=ftm.caption(proxy), created_by=actor)
        Link.objects.bulk_create(Link(report=report, entity=entity, source=e.source,
                                      target=e.target, label=e.label)
                                 for e in ftm.edges(proxy))
        audit_record(actor=actor, action=Action.CREATE, obj=entity,
                     summary=f"{schema} {entity.caption} added to {report.reference}",
                     changes={"schema": schema, "report": report.reference})
    return entity


def entity_read(*, actor: Any, ftm_id: str, channel: str = "page") -> Entity:
    entity = get_visible(actor, Entity.objects.select_related("report"), ftm_id=ftm_id)
    with transaction.atomic():
        audit_read(actor=actor, obj=entity, summary=f"Read entity {entity.ftm_id} "
                                                    f"({channel})")
    return entity


# --- collection plan -------------------------------------------------------------------


def requirement_create(*, actor: Any, code: str, title: str, priority: int, owner: Any,
                       review_on: dt.date, description: str = "",
                       recent_days: int = 90) -> Requirement:
    _writer(actor)
    if not code.strip() or not title.strip():
        raise Refused(_("a requirement needs a code and a title"))
    if priority not in Requirement.Priority.values:
        raise Refused(_("unknown priority %(priority)s") % {"priority": repr(priority)})
    if owner.agency is None:
        raise Refused(_("the owner must belong to an agency"))
    if Requirement.objects.filter(code=code.strip()).exists():
        raise Refused(_("requirement %(code)s already exists") % {"code": code})
    with transaction.atomic():
        requirement = Requirement.objects.create(
            code=code.strip(), title=title.strip(), description=description.strip(),
            priority=priority, owner=owner, owner_agency=owner.agency, review_on=review_on,
            recent_days=recent_days)
        audit_record(actor=actor, action=Action.CREATE, obj=requirement,
                     summary=f"Collection requirement {requirement.code} added",
                     changes={"priority": priority, "owner": owner.username,
                              "review_on": review_on.isoformat()})
    return requirement


__all__ = ["VIEW", "visible_reports"]
