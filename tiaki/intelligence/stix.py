"""STIX 2.1 bundles for partners, built and validated with the ``stix2`` library (decision
0011), marked with the TLP 2.0 marking definitions (FIRST TLP 2.0; the OASIS CTI TC's
TLP 2.0 extension definition).

Persons and organisations are STIX identities; every other FollowTheMoney thing is an
``x-ftm-entity`` custom object; FtM relationship entities are STIX relationships; the report
is a STIX report referring to them all. Each object also carries its FtM schema, id and
(redacted) properties, so a partner running FtM tools, or this install, reads it back
without loss.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any, cast

import stix2
from followthemoney import model as ftm_model
from stix2.properties import DictionaryProperty, StringProperty

from tiaki.intelligence import ftm
from tiaki.intelligence.models import SharingPackage

TLP2_EXTENSION = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
TLP2_IDS = {
    "clear": "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    "green": "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    "amber": "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    "amber+strict": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    "red": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}
TLP2_LEVELS = {v: k for k, v in TLP2_IDS.items()}
# Deterministic STIX ids from FtM ids, so the same entity has the same id in every export.
NAMESPACE = uuid.UUID("7d1c7f8e-6a0e-4d2c-9a57-0b8f3e6a2d11")
PERSON_SCHEMATA = ("Person",)
ORGANISATION_SCHEMATA = ("Organization", "Company")


@stix2.CustomObject("x-ftm-entity", [
    ("name", StringProperty(required=True)),
    ("ftm_schema", StringProperty(required=True)),
    ("ftm_id", StringProperty(required=True)),
    ("ftm_properties", DictionaryProperty()),
])
class FtmEntity:
    """A FollowTheMoney thing STIX has no object for (passport, vehicle, bank account…)."""


def tlp_marking(level: str) -> stix2.MarkingDefinition:
    return stix2.MarkingDefinition(
        id=TLP2_IDS[level], created="2022-10-01T00:00:00.000Z", name=f"TLP:{level.upper()}",
        extensions={TLP2_EXTENSION: {"extension_type": "property-extension",
                                     "tlp_2_0": level}})


def stix_id(kind: str, ftm_id: str) -> str:
    return f"{kind}--{uuid.uuid5(NAMESPACE, ftm_id)}"


def bundle_for(package: SharingPackage, *, at: dt.datetime) -> str:
    """The package as a STIX 2.1 bundle (JSON), validated by the library on the way out."""
    objects: list[Any] = []
    markings: dict[str, Any] = {}
    sender = stix2.Identity(
        id=stix_id("identity", f"agency:{package.agency.code}"), created=at, modified=at,
        name=f"{package.agency.name} (New Zealand)", identity_class="organization")
    objects.append(sender)
    for report in package.content.get("reports", []):
        level = report["tlp"]
        marking = markings.setdefault(level, tlp_marking(level))
        common = {"created": at, "modified": at, "created_by_ref": sender.id,
                  "object_marking_refs": [marking.id]}
        ids: dict[str, str] = {}
        refs: list[str] = []
        for entity in report["entities"]:
            schema = ftm_model.get(entity["schema"])
            extra = {"x_ftm_schema": entity["schema"], "x_ftm_id": entity["id"],
                     "x_ftm_properties": entity["properties"]}
            name = _caption(entity)
            if schema is not None and schema.edge and schema.edge_source and schema.edge_target:
                sources = entity["properties"].get(schema.edge_source, [])
                targets = entity["properties"].get(schema.edge_target, [])
                for source in sources:
                    for target in targets:
                        if source in ids and target in ids:
                            obj: Any = stix2.Relationship(
                                id=stix_id("relationship", f"{entity['id']}:{source}:{target}"),
                                relationship_type=schema.name.lower(), source_ref=ids[source],
                                target_ref=ids[target], allow_custom=True, **common, **extra)
                            objects.append(obj)
                            refs.append(obj.id)
                continue
            if entity["schema"] in PERSON_SCHEMATA + ORGANISATION_SCHEMATA:
                contact = "; ".join(entity["properties"].get("phone", [])
                                    + entity["properties"].get("email", []))
                obj = stix2.Identity(
                    id=stix_id("identity", entity["id"]), name=name,
                    identity_class="individual" if entity["schema"] in PERSON_SCHEMATA
                    else "organization", allow_custom=True, **common, **extra,
                    **({"contact_information": contact} if contact else {}))
            else:
                # stix2's decorator gives the class its keyword arguments at run time.
                obj = cast(Any, FtmEntity)(id=stix_id("x-ftm-entity", entity["id"]), name=name,
                                ftm_schema=entity["schema"], ftm_id=entity["id"],
                                ftm_properties=entity["properties"], **common)
            ids[entity["id"]] = obj.id
            objects.append(obj)
            refs.append(obj.id)
        described = report["text"]
        if report["handling"]:
            described += f"\n\nHandling: {report['handling']}"
        objects.append(stix2.Report(
            id=stix_id("report", f"{package.reference}:{report['reference']}"),
            name=report["title"], description=described, published=at,
            report_types=["threat-report"], object_refs=refs or [sender.id],
            external_references=[{"source_name": "tiaki", "external_id": report["reference"],
                                  "description": f"Graded {report['grade']} "
                                                 f"({report['scheme']}); package "
                                                 f"{package.reference}"}],
            allow_custom=True, **common))
    bundle = stix2.Bundle(*markings.values(), *objects,
                          id=f"bundle--{uuid.uuid5(NAMESPACE, package.reference + at.isoformat())}",
                          allow_custom=True)
    text = bundle.serialize(sort_keys=True, indent=1)
    # Read back through the library: what leaves is a bundle it accepts.
    stix2.parse(text, allow_custom=True)
    return str(text)


def _caption(entity: dict[str, Any]) -> str:
    proxy = ftm.as_proxy(schema=entity["schema"], properties=entity["properties"],
                         ftm_id=entity["id"])
    return ftm.caption(proxy) or entity["schema"]


def loads(text: str) -> dict[str, Any]:
    """A bundle as plain JSON (after ``stix2.parse`` has accepted it)."""
    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError("not a STIX bundle")
    return data
