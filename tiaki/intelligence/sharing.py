"""Lawful sharing with foreign partners (Plan item 6; seed 002: agencies "share this
information in an effective and lawful way", internationally "within the parameters of
privacy and legislative obligations").

A package is material (reports, or single entities of a report) selected for one named
partner under one authority, both from ``data/intelligence/sharing.yaml``. When it is made,
every item is decided and the decision frozen: a report not releasable to that partner, one
carrying a withheld caveat (a human source), TLP:RED material, or material a partner gave us
(the third-party rule) is refused with the reason; properties the rules keep back, and
references to entities that are not going, are redacted with the reason; entities the
requester withholds stay behind with theirs. A senior officer other than the requester
approves exactly that frozen content; every export of it is one row of the dissemination
log (what, to whom, when, under which authority, by whom, approved by whom, and the file's
digest) in the same transaction as its audit row.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal

import yaml
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from followthemoney import model as ftm_model
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from tiaki.audit.services import Action, audit_record
from tiaki.core.policy import Refused, get_visible
from tiaki.core.references import next_reference
from tiaki.core.yaml_errors import validation_error_text
from tiaki.intelligence import ftm
from tiaki.intelligence.models import Dissemination, Entity, Report, SharingPackage
from tiaki.intelligence.policies import APPROVE_ROLES, WRITE_ROLES

# TLP 2.0, least to most restrictive: a package is marked with its most restrictive item.
TLP_ORDER = ("clear", "green", "amber", "amber+strict", "red")


class SharingFileError(ValueError):
    pass


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PartnerSpec(_Strict):
    code: str = Field(pattern=r"^[A-Z]{2}$")
    name: str = Field(min_length=1)
    authorities: list[str] = Field(min_length=1)


class WithheldCaveat(_Strict):
    code: str = Field(min_length=1)
    reason: str = Field(min_length=1)


class SharingRules(_Strict):
    schema_: Literal["tiaki.sharing/1"] = Field(alias="schema")
    partners: list[PartnerSpec] = Field(min_length=1)
    withheld_caveats: list[WithheldCaveat] = []
    redact: dict[str, list[str]] = {}
    honour: dict[Literal["clear", "green", "amber", "amber+strict", "red"],
                 Literal["nz", "agency"]] = Field(min_length=1)

    @model_validator(mode="after")
    def _known(self) -> SharingRules:
        codes = [p.code for p in self.partners]
        for code in codes:
            if codes.count(code) > 1:
                raise ValueError(f"partners: {code} appears twice")
        for schema, props in self.redact.items():
            found = ftm_model.get(schema)
            if found is None:
                raise ValueError(f"redact: unknown FollowTheMoney schema {schema!r}")
            for prop in props:
                if found.get(prop) is None:
                    raise ValueError(f"redact: {schema} has no property {prop!r}")
        return self

    def partner(self, code: str) -> PartnerSpec | None:
        return next((p for p in self.partners if p.code == code), None)


def parse_rules(path: Path) -> SharingRules:
    name = path.name
    try:
        text = path.read_text(encoding="utf-8")
        raw = yaml.safe_load(text)
        root = yaml.compose(text)
    except OSError as exc:
        raise SharingFileError(f"{name}: cannot read the file: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise SharingFileError(f"{name}: not valid YAML ({exc})") from exc
    try:
        return SharingRules.model_validate(raw)
    except ValidationError as exc:
        raise SharingFileError(validation_error_text(name, root, exc)) from exc


@functools.cache
def _rules_at(path: str, mtime: float) -> SharingRules:
    return parse_rules(Path(path))


def rules() -> SharingRules:
    """The sharing rules in force (re-read when the file changes)."""
    path = Path(settings.TIAKI_DATA_DIR) / "intelligence" / "sharing.yaml"
    return _rules_at(str(path), path.stat().st_mtime)


def tlp_label(level: str) -> str:
    return f"TLP:{level.upper()}"


# --- deciding what may go ------------------------------------------------------------


def _report_refusal(report: Report, partner: str, withheld: Mapping[str, str]) -> str:
    if report.release != Report.Release.PARTNERS or partner not in report.partners:
        scope = report.get_release_display()
        named = f" ({', '.join(report.partners)})" if report.partners else ""
        return f"not releasable to {partner}: its release scope is {scope.lower()}{named}"
    for caveat in report.caveats.all():
        if caveat.code in withheld:
            return f"it carries the {caveat.code} caveat: {withheld[caveat.code]}"
    if report.tlp == Report.TLP.RED:
        return "TLP:RED material is for its named recipients only"
    origin = (report.provenance or {}).get("partner")
    if origin and origin != partner:
        return (f"received from {origin}: the third-party rule lets it go on only with "
                "the originator's consent")
    return ""


def _entity_dict(entity: Entity) -> dict[str, Any]:
    return {"id": entity.ftm_id, "schema": entity.schema,
            "properties": {k: list(v) for k, v in entity.properties.items()}}


def decide(*, partner: str, reports: list[Report], entities: list[Entity],
           withhold: Mapping[str, str], rules_in_force: SharingRules
           ) -> tuple[dict[str, Any], dict[str, Any], list[Report]]:
    """Decide every selected item: (manifest, content, reports included)."""
    withheld_caveats = {c.code: c.reason for c in rules_in_force.withheld_caveats}
    by_report: dict[int, tuple[Report, list[Entity] | None]] = {}
    for report in reports:
        by_report[report.pk] = (report, None)  # None: the whole report
    for entity in entities:
        report, chosen = by_report.get(entity.report_id, (entity.report, []))
        if chosen is not None:
            chosen.append(entity)
        by_report[entity.report_id] = (report, chosen)
    items: list[dict[str, Any]] = []
    going: list[tuple[Report, list[Entity]]] = []
    for report, chosen in sorted(by_report.values(), key=lambda rc: rc[0].reference):
        reason = _report_refusal(report, partner, withheld_caveats)
        if reason:
            items.append({"kind": "report", "reference": report.reference,
                          "title": report.title, "outcome": "refused", "reason": reason})
            continue
        items.append({"kind": "report", "reference": report.reference, "title": report.title,
                      "outcome": "included", "reason": "",
                      "whole": chosen is None})
        going.append((report, list(report.entities.all()) if chosen is None else chosen))
    # Entities going: all of the included reports' chosen entities the requester did not
    # withhold; references to anything else are redacted.
    candidates = [(r, e) for r, es in going for e in es]
    sending = {e.ftm_id for _, e in candidates if e.ftm_id not in withhold}
    entity_items: list[dict[str, Any]] = []
    content_reports: dict[str, dict[str, Any]] = {}
    for report, entity in candidates:
        row: dict[str, Any] = {"kind": "entity", "ftm_id": entity.ftm_id,
                               "caption": entity.caption, "schema": entity.schema,
                               "report": report.reference, "redacted": {}}
        if entity.ftm_id in withhold:
            row.update(outcome="withheld", reason=f"withheld: {withhold[entity.ftm_id]}")
            entity_items.append(row)
            continue
        data = _entity_dict(entity)
        proxy = ftm.as_proxy(schema=entity.schema, properties=entity.properties,
                             ftm_id=entity.ftm_id)
        redacted: dict[str, str] = {}
        for withheld_prop in rules_in_force.redact.get(entity.schema, []):
            if data["properties"].pop(withheld_prop, None):
                redacted[withheld_prop] = "never sent to partners (data minimisation)"
        dropped_end = ""
        for name, values in list(data["properties"].items()):
            prop = proxy.schema.get(name)
            if prop is None or prop.type.name != "entity":
                continue
            kept = [v for v in values if v in sending]
            if len(kept) != len(values):
                redacted[name] = "refers to an entity that is not in the package"
                if kept:
                    data["properties"][name] = kept
                else:
                    del data["properties"][name]
                if proxy.schema.edge and name in (proxy.schema.edge_source,
                                                  proxy.schema.edge_target):
                    dropped_end = name
        if dropped_end:
            row.update(outcome="withheld", reason=f"withheld: its {dropped_end} is not in "
                                                  "the package")
            entity_items.append(row)
            continue
        row.update(outcome="redacted" if redacted else "included", reason="",
                   redacted=redacted)
        entity_items.append(row)
        target = content_reports.setdefault(report.reference, {
            "reference": report.reference, "title": report.title, "text": report.text,
            "grade": report.grade, "scheme": report.scheme.code,
            "handling": report.scheme.label("handling", report.handling_code)
            if report.handling_code else "",
            "tlp": report.tlp, "agency": report.agency.code,
            "created_at": report.created_at.isoformat(), "entities": []})
        target["entities"].append(data)
    # A report whose every entity stayed behind still goes (its text was released).
    for report, _entities in going:
        content_reports.setdefault(report.reference, {
            "reference": report.reference, "title": report.title, "text": report.text,
            "grade": report.grade, "scheme": report.scheme.code,
            "handling": report.scheme.label("handling", report.handling_code)
            if report.handling_code else "",
            "tlp": report.tlp, "agency": report.agency.code,
            "created_at": report.created_at.isoformat(), "entities": []})
    manifest = {"items": items + entity_items}
    content = {"reports": [content_reports[r.reference] for r, _ in going]}
    return manifest, content, [r for r, _ in going]


def _strictest(levels: Iterable[str]) -> str:
    return max(levels, key=TLP_ORDER.index)


# --- services ------------------------------------------------------------------------


def package_create(*, actor: Any, partner: str, purpose: str, authority: str,
                   reports: Iterable[Report] = (), entities: Iterable[Entity] = (),
                   withhold: Mapping[str, str] | None = None,
                   at: dt.datetime | None = None) -> SharingPackage:
    """Select material for ``partner`` and freeze what may go; nothing leaves until a
    senior officer approves it (``package_decide``) and someone exports it."""
    if actor is None or not actor.is_active or not actor.has_role(*WRITE_ROLES):
        raise Refused(_("only intelligence analysts prepare material for partners"))
    if actor.agency is None:
        raise Refused(_("you must belong to an agency to share intelligence"))
    in_force = rules()
    partner = partner.strip().upper()
    spec = in_force.partner(partner)
    if spec is None:
        raise Refused(_("%(partner)s is not a partner intelligence is shared with (partners: "
                        "%(value)s)") % {
                          "partner": partner or _("no partner"),
                          "value": ', '.join(p.code for p in in_force.partners)})
    if authority not in spec.authorities:
        raise Refused(_("choose the authority for sharing with %(name)s: %(authorities)s") % {
                          "name": spec.name, "authorities": "; ".join(spec.authorities)})
    if not purpose.strip():
        raise Refused(_("say what the partner needs the material for"))
    report_list = [get_visible(actor, Report, pk=r.pk) for r in reports]
    entity_list = [get_visible(actor, Entity.objects.select_related("report"), pk=e.pk)
                   for e in entities]
    if not report_list and not entity_list:
        raise Refused(_("select at least one report or entity"))
    withhold = {k: v.strip() for k, v in (withhold or {}).items()}
    if any(not v for v in withhold.values()):
        raise Refused(_("say why each withheld entity stays behind"))
    manifest, content, going = decide(partner=partner, reports=report_list,
                                      entities=entity_list, withhold=withhold,
                                      rules_in_force=in_force)
    if not going:
        reasons = "; ".join(f"{i['reference']}: {i['reason']}" for i in manifest["items"])
        raise Refused(_("nothing selected may go to %(partner)s: %(reasons)s") % {
                          "partner": partner, "reasons": reasons})
    tlp = _strictest(r.tlp for r in going)
    selected = {r.pk: r for r in report_list} | {e.report.pk: e.report for e in entity_list}
    with transaction.atomic():
        package = SharingPackage.objects.create(
            reference=next_reference(SharingPackage, "SHR"), partner=partner,
            purpose=purpose.strip(), authority=authority, tlp=tlp, manifest=manifest,
            content=content, requester=actor, agency=actor.agency.current(),
            **({"created_at": at} if at else {}))
        package.reports.set(list(selected.values()))
        audit_record(actor=actor, action=Action.CREATE, obj=package,
                     summary=f"Sharing package {package.reference} for {partner} prepared",
                     changes={"partner": partner, "authority": authority, "tlp": tlp,
                              "outcomes": {i.get("reference") or i["ftm_id"]: i["outcome"]
                                           for i in manifest["items"]}})
    return package


def package_decide(*, actor: Any, package: SharingPackage, approve: bool, note: str = "",
                   at: dt.datetime | None = None) -> SharingPackage:
    """A senior officer other than the requester approves (or declines) the package."""
    package = get_visible(actor, SharingPackage, pk=package.pk)
    if not actor.has_role(*APPROVE_ROLES):
        raise Refused(_("only a senior officer may approve sharing with a partner"))
    if actor.pk == package.requester_id:
        raise Refused(_("the package must be approved by a senior officer other than the "
                        "person who prepared it"))
    if package.status != SharingPackage.Status.PENDING:
        raise Refused(_("this package was already %(status)s") % {
                          "status": package.get_status_display().lower()})
    if not approve and not note.strip():
        raise Refused(_("say why the package is declined"))
    with transaction.atomic():
        package.status = (SharingPackage.Status.APPROVED if approve
                          else SharingPackage.Status.DECLINED)
        package.decided_by = actor
        package.decided_at = at or timezone.now()
        package.decision_note = note.strip()
        package.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        audit_record(actor=actor, action=Action.UPDATE, obj=package,
                     summary=f"Sharing package {package.reference} "
                             f"{'approved' if approve else 'declined'}",
                     changes={"status": package.status}, reason=note.strip())
    return package


def package_read(*, actor: Any, reference: str, channel: str = "page") -> SharingPackage:
    package = get_visible(actor, SharingPackage.objects.select_related(
        "requester", "decided_by"), reference=reference)
    with transaction.atomic():
        audit_record(actor=actor, action=Action.READ, obj=package,
                     summary=f"Read sharing package {package.reference} ({channel})")
    return package


def render(package: SharingPackage, fmt: str, *, at: dt.datetime) -> str:
    from tiaki.intelligence import stix

    if fmt == Dissemination.Format.FTM:
        return ftm_lines(package)
    if fmt == Dissemination.Format.STIX:
        return stix.bundle_for(package, at=at)
    raise Refused(_("unknown export format %(fmt)s (ftm or stix)") % {"fmt": repr(fmt)})


def ftm_lines(package: SharingPackage) -> str:
    """FollowTheMoney JSON lines, one entity a line; each line also says its marking and
    where it came from (FtM readers ignore keys they do not know)."""
    lines = []
    for report in package.content.get("reports", []):
        for entity in report["entities"]:
            lines.append(json.dumps({**entity, "markings": [tlp_label(report["tlp"])],
                                     "origin": {"country": "NZ", "agency": report["agency"],
                                                "report": report["reference"],
                                                "package": package.reference}},
                                    sort_keys=True, ensure_ascii=False))
    return "".join(line + "\n" for line in lines)


def package_export(*, actor: Any, package: SharingPackage, fmt: str,
                   at: dt.datetime | None = None) -> Dissemination:
    """Export an approved package; the dissemination log records exactly what left."""
    package = get_visible(actor, SharingPackage, pk=package.pk)
    if not actor.has_role(*WRITE_ROLES, *APPROVE_ROLES):
        raise Refused(_("only intelligence analysts and senior officers export to partners"))
    if package.status != SharingPackage.Status.APPROVED:
        raise Refused(_("a package goes to a partner only after a senior officer approved it"))
    withheld = {c.code: c.reason for c in rules().withheld_caveats}
    for reference in (r["reference"] for r in package.content.get("reports", [])):
        report = Report.objects.get(reference=reference)
        reason = _report_refusal(report, package.partner, withheld)
        if reason:
            raise Refused(_("%(reference)s may no longer go: %(reason)s; prepare a new "
                            "package") % {"reference": reference, "reason": reason})
    at = at or timezone.now()
    text = render(package, fmt, at=at)
    assert package.decided_by is not None
    with transaction.atomic():
        row = Dissemination.objects.create(
            package=package, partner=package.partner, authority=package.authority,
            format=fmt, references=[r["reference"] for r in package.content["reports"]],
            entities=[e["id"] for r in package.content["reports"] for e in r["entities"]],
            content=text, sha256=hashlib.sha256(text.encode()).hexdigest(), sent_by=actor,
            approved_by=package.decided_by, at=at)
        audit_record(actor=actor, action=Action.EXPORT, obj=package,
                     summary=f"Sharing package {package.reference} sent to {package.partner}"
                             f" ({fmt})",
                     changes={"dissemination": row.pk, "sha256": row.sha256,
                              "authority": package.authority, "references": row.references,
                              "entities": row.entities})
    return row


def log_listed(*, actor: Any, rows: list[Dissemination]) -> None:
    """Audit that the dissemination log was shown (it names what went where)."""
    with transaction.atomic():
        audit_record(actor=actor, action=Action.READ, object_type="intelligence.dissemination",
                     summary=f"Listed {len(rows)} disseminations",
                     changes={"ids": [r.pk for r in rows]})
