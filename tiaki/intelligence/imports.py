"""Material received from partners: FollowTheMoney JSON lines or a STIX 2.1 bundle.

An import becomes one report that keeps where it came from and under which marking
(``Report.provenance``: partner, format, markings, the partner's ids, digest, when), carries
the PARTNER caveat and the release scope the marking allows (``honour`` in
``data/intelligence/sharing.yaml``), and is graded "cannot be judged" (NATO/Admiralty F6)
until an analyst grades it. The file is checked whole before anything is written: an
unknown schema or object type, a reference to something neither in the file nor known
here, or a marking this install cannot honour refuses the whole import, naming the line
(or object) and the field. The same file imported twice gives back the first report.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

import stix2
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from followthemoney import model as ftm_model

from tiaki.audit.services import Action, audit_record
from tiaki.core.policy import Refused, visible
from tiaki.intelligence import ftm, services, sharing, stix
from tiaki.intelligence.models import Caveat, Entity, GradingScheme, Report
from tiaki.intelligence.policies import WRITE_ROLES

PARTNER_CAVEAT = "PARTNER"
# Received material is graded "cannot be judged" until an analyst has assessed it.
IMPORT_SCHEME, IMPORT_SOURCE, IMPORT_INFORMATION = "nato-admiralty", "F", "6"


@dataclass
class Parsed:
    title: str
    text: str
    markings: set[str] = field(default_factory=set)
    # (partner's id, schema, properties) in file order
    entities: list[tuple[str, str, dict[str, list[str]]]] = field(default_factory=list)
    origin: str = ""


def _level(label: str) -> str:
    return label.strip().upper().removeprefix("TLP:").lower()


def _honoured(level: str, where: str) -> str:
    honour = sharing.rules().honour
    if level not in honour:
        known = ", ".join(sharing.tlp_label(k) for k in honour)
        raise Refused(_("%(where)s: marking %(tlp_label)s cannot be honoured by this install "
                        "(it honours %(known)s); nothing was imported") % {
                          "where": where, "tlp_label": repr(sharing.tlp_label(level)),
                          "known": known})
    return level


def _check_entity(where: str, schema: str, properties: Any) -> dict[str, list[str]]:
    if not isinstance(properties, dict):
        raise Refused(_("%(where)s, field 'properties': expected an object; nothing was "
                        "imported") % {"where": where})
    try:
        proxy = ftm.validated(schema=schema, properties=properties, ftm_id="tk-check")
    except ftm.EntityError as exc:
        raise Refused(_("%(where)s, field 'schema': %(exc)s; nothing was imported") % {
                          "where": where, "exc": exc}) from exc
    return {k: list(v) for k, v in proxy.to_dict()["properties"].items()}


def _check_references(parsed: Parsed, actor: Any, where_of: dict[str, str]) -> None:
    in_file = {pid for pid, _, _ in parsed.entities}
    known = set(visible(actor, Entity).values_list("ftm_id", flat=True))
    for pid, schema, props in parsed.entities:
        found = ftm_model.get(schema)
        assert found is not None
        for name, values in props.items():
            prop = found.get(name)
            if prop is None or prop.type.name != "entity":
                continue
            for value in values:
                if value not in in_file and value not in known:
                    raise Refused(gettext("%(where_of)s, field '%(name)s': refers to "
                                          "%(value)s, which is neither in the file nor known "
                                          "here; nothing was imported") % {
                                      "where_of": where_of[pid], "name": name,
                                      "value": repr(value)})


def parse_ftm(text: str) -> Parsed:
    parsed = Parsed(title="", text="")
    seen: set[str] = set()
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"line {number}"
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise Refused(_("%(where)s: not JSON (%(msg)s); nothing was imported") % {
                              "where": where, "msg": exc.msg}) from exc
        if not isinstance(data, dict):
            raise Refused(_("%(where)s: expected a FollowTheMoney entity; nothing was "
                            "imported") % {"where": where})
        for key in ("id", "schema"):
            if not isinstance(data.get(key), str) or not data[key].strip():
                raise Refused(_("%(where)s, field '%(key)s': missing; nothing was imported") % {
                                  "where": where, "key": key})
        if data["id"] in seen:
            raise Refused(_("%(where)s, field 'id': %(data)s appears twice; nothing was "
                            "imported") % {"where": where, "data": repr(data['id'])})
        seen.add(data["id"])
        props = _check_entity(where, data["schema"], data.get("properties", {}))
        for label in data.get("markings") or []:
            parsed.markings.add(_honoured(_level(str(label)), f"{where}, field 'markings'"))
        parsed.entities.append((data["id"], data["schema"], props))
    if not parsed.entities:
        raise Refused(_("the file holds no FollowTheMoney entities; nothing was imported"))
    return parsed


def _stix_marks(where: str, obj: dict[str, Any], defined: dict[str, str]) -> set[str]:
    out = set()
    for ref in obj.get("object_marking_refs", []):
        if ref in defined:
            out.add(defined[ref])
        elif ref in stix.TLP2_LEVELS:
            out.add(_honoured(stix.TLP2_LEVELS[ref], f"{where}, field 'object_marking_refs'"))
        else:
            raise Refused(_("%(where)s, field 'object_marking_refs': refers to %(ref)s, "
                            "which is not in the bundle; nothing was imported") % {
                              "where": where, "ref": repr(ref)})
    return out


def parse_stix(text: str) -> Parsed:
    try:
        stix2.parse(text, allow_custom=True)
        bundle = stix.loads(text)
    except Exception as exc:  # the library's many errors all mean "refuse"
        raise Refused(_("not a valid STIX 2.1 bundle: %(exc)s; nothing was imported") % {
                          "exc": exc}) from exc
    if bundle.get("type") != "bundle":
        raise Refused(_("not a STIX 2.1 bundle (type must be 'bundle'); nothing was imported"))
    objects = bundle.get("objects", [])
    ids = {o.get("id") for o in objects}
    defined: dict[str, str] = {}
    for number, obj in enumerate(objects, 1):
        if obj.get("type") != "marking-definition":
            continue
        where = f"object {number} ({obj.get('id')})"
        ext = (obj.get("extensions") or {}).get(stix.TLP2_EXTENSION) or {}
        level = ext.get("tlp_2_0") or ""
        if obj.get("id") not in stix.TLP2_LEVELS or stix.TLP2_LEVELS[obj["id"]] != level:
            raise Refused(_("%(where)s: a marking this install cannot honour (only the TLP "
                            "2.0 marking definitions are understood); nothing was imported") % {
                              "where": where})
        defined[obj["id"]] = _honoured(level, where)
    parsed = Parsed(title="", text="")
    creators = {o.get("created_by_ref") for o in objects if o.get("created_by_ref")}
    stix_to_ftm: dict[str, str] = {}
    reports = []
    edges: list[tuple[int, dict[str, Any]]] = []
    for number, obj in enumerate(objects, 1):
        kind = obj.get("type")
        where = f"object {number} ({obj.get('id')})"
        if kind == "marking-definition":
            continue
        parsed.markings |= _stix_marks(where, obj, defined)
        for ref_field in ("created_by_ref",):
            if obj.get(ref_field) and obj[ref_field] not in ids:
                raise Refused(_("%(where)s, field '%(ref_field)s': refers to %(obj)s, which "
                                "is not in the bundle; nothing was imported") % {
                                  "where": where, "ref_field": ref_field,
                                  "obj": repr(obj[ref_field])})
        if kind == "identity" and obj["id"] in creators:
            parsed.origin = str(obj.get("name", ""))
            continue
        if kind == "report":
            for ref in obj.get("object_refs", []):
                if ref not in ids:
                    raise Refused(_("%(where)s, field 'object_refs': refers to %(ref)s, "
                                    "which is not in the bundle; nothing was imported") % {
                                      "where": where, "ref": repr(ref)})
            reports.append(obj)
            continue
        if kind == "relationship":
            edges.append((number, obj))
            continue
        if kind == "identity":
            schema = obj.get("x_ftm_schema") or {
                "individual": "Person", "organization": "Organization"}.get(
                    obj.get("identity_class", ""), "")
            if not schema:
                raise Refused(_("%(where)s, field 'identity_class': %(get)s has no "
                                "intelligence entity here; nothing was imported") % {
                                  "where": where, "get": repr(obj.get('identity_class'))})
            props = obj.get("x_ftm_properties") or {"name": [obj.get("name", "")]}
        elif kind == "x-ftm-entity":
            schema = str(obj.get("ftm_schema", ""))
            props = obj.get("ftm_properties") or {}
        else:
            raise Refused(_("%(where)s, field 'type': %(kind)s objects have no intelligence "
                            "entity here; nothing was imported") % {
                              "where": where, "kind": repr(kind)})
        pid = str(obj.get("x_ftm_id") or obj.get("ftm_id") or obj["id"])
        stix_to_ftm[obj["id"]] = pid
        parsed.entities.append((pid, schema, _check_entity(where, schema, props)))
    for number, obj in edges:
        where = f"object {number} ({obj.get('id')})"
        for end in ("source_ref", "target_ref"):
            if obj.get(end) not in stix_to_ftm:
                raise Refused(_("%(where)s, field '%(end)s': refers to %(get)s, which is not "
                                "an entity in the bundle; nothing was imported") % {
                                  "where": where, "end": end, "get": repr(obj.get(end))})
        schema = str(obj.get("x_ftm_schema") or "UnknownLink")
        found = ftm_model.get(schema)
        if found is None or not found.edge:
            raise Refused(_("%(where)s, field 'x_ftm_schema': unknown or unsupported entity "
                            "schema %(schema)s; nothing was imported") % {
                              "where": where, "schema": repr(schema)})
        props = dict(obj.get("x_ftm_properties") or {})
        props[str(found.edge_source)] = [stix_to_ftm[obj["source_ref"]]]
        props[str(found.edge_target)] = [stix_to_ftm[obj["target_ref"]]]
        if schema == "UnknownLink" and not obj.get("x_ftm_properties"):
            props["role"] = [str(obj.get("relationship_type", ""))]
        pid = str(obj.get("x_ftm_id") or obj["id"])
        parsed.entities.append((pid, schema, _check_entity(where, schema, props)))
    if reports:
        parsed.title = str(reports[0].get("name", ""))[:200]
        parsed.text = "\n\n".join(str(r.get("description", "")) for r in reports)
    if not parsed.entities and not reports:
        raise Refused(_("the bundle holds nothing to import; nothing was imported"))
    return parsed


def partner_import(*, actor: Any, partner: str, fmt: str, content: str, tlp: str = "",
                   title: str = "", at: dt.datetime | None = None) -> Report:
    """Import a partner's file whole (or refuse it whole) as one report with provenance."""
    if actor is None or not actor.is_active or not actor.has_role(*WRITE_ROLES):
        raise Refused(gettext("only intelligence analysts import partners' material"))
    partner = partner.strip().upper()
    if sharing.rules().partner(partner) is None:
        raise Refused(gettext("%(partner)s is not a partner intelligence is shared with") % {
                          "partner": partner or gettext("no partner")})
    digest = hashlib.sha256(content.encode()).hexdigest()
    earlier = Report.objects.filter(provenance__sha256=digest).first()
    if earlier is not None:
        return services.report_read(actor=actor, reference=earlier.reference,
                                    channel="import again")
    if fmt == "ftm":
        parsed = parse_ftm(content)
    elif fmt == "stix":
        parsed = parse_stix(content)
    else:
        raise Refused(gettext("unknown import format %(fmt)s (ftm or stix)") % {
                          "fmt": repr(fmt)})
    if tlp:
        parsed.markings.add(_honoured(_level(tlp), "the marking given"))
    if not parsed.markings:
        raise Refused(gettext("the material carries no TLP marking: give the marking the "
                              "partner set; nothing was imported"))
    level = max(parsed.markings, key=sharing.TLP_ORDER.index)
    where_of = {pid: f"entity {pid!r}" for pid, _, _ in parsed.entities}
    _check_references(parsed, actor, where_of)
    scheme = GradingScheme.objects.filter(code=IMPORT_SCHEME).first()
    caveat = Caveat.objects.filter(code=PARTNER_CAVEAT).first()
    if scheme is None or caveat is None:
        raise Refused(gettext("load the grading schemes and caveats first (tiaki loadgrading)"))
    at = at or timezone.now()
    honour: dict[str, str] = {str(k): str(v) for k, v in sharing.rules().honour.items()}
    release = honour[level]
    in_file = {pid for pid, _, _ in parsed.entities}
    with transaction.atomic():
        report = services.report_create(
            actor=actor, title=(title or parsed.title or f"Material from {partner}").strip(),
            text=parsed.text or f"Received from {partner} as {fmt.upper()}.", scheme=scheme,
            source_grade=IMPORT_SOURCE, information_grade=IMPORT_INFORMATION,
            release=Report.Release.AGENCY if release == "agency" else Report.Release.NZ,
            tlp=level, caveats=[caveat], created_at=at)
        new_ids = {pid: ftm.new_id("import", partner, digest, pid) for pid in in_file}
        report.provenance = {
            "partner": partner, "format": fmt, "sha256": digest, "received_at": at.isoformat(),
            "markings": sorted(sharing.tlp_label(m) for m in parsed.markings),
            "originator": parsed.origin, "ids": {v: k for k, v in new_ids.items()}}
        report.save(update_fields=["provenance"])
        done: set[str] = set()
        pending = list(parsed.entities)
        while pending:
            # Things before the entities that point at them.
            ready = [e for e in pending
                     if all(v in done for v in _refs(e[1], e[2]) if v in in_file)]
            if not ready:
                raise Refused(gettext("the entities refer to each other in a circle; nothing "
                                      "was imported"))
            for pid, schema, props in ready:
                mapped = {name: [new_ids.get(v, v) if _is_ref(schema, name) else v
                                 for v in vals] for name, vals in props.items()}
                services.entity_add(actor=actor, report=report, schema=schema,
                                    properties=mapped, ftm_id=new_ids[pid])
                done.add(pid)
                pending.remove((pid, schema, props))
        audit_record(actor=actor, action=Action.CREATE, obj=report,
                     summary=f"Imported {len(in_file)} entities from {partner} ({fmt}) as "
                             f"{report.reference}",
                     changes={k: v for k, v in report.provenance.items() if k != "ids"})
    return report


def _is_ref(schema: str, name: str) -> bool:
    found = ftm_model.get(schema)
    prop = found.get(name) if found is not None else None
    return prop is not None and prop.type.name == "entity"


def _refs(schema: str, props: dict[str, list[str]]) -> list[str]:
    return [v for name, vals in props.items() if _is_ref(schema, name) for v in vals]
