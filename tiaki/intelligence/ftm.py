"""Entities as FollowTheMoney entities (docs/decisions: FollowTheMoney for intelligence).

Every entity is built with ``followthemoney.model`` and every value is cleaned by its
property's FtM type (phones to E.164, emails, dates, countries, IBANs, entity references);
a value FtM cannot clean is refused, naming the property and the value, rather than
silently dropped (``EntityProxy.add`` would drop it). Phones, emails, websites and IBANs are
FtM "pivot" values: in the network they are nodes of their own, so two people sharing a
phone are two hops apart.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _
from followthemoney import model
from followthemoney.proxy import EntityProxy

# The kinds of things an intelligence report names (issue: persons, organisations, phones,
# emails, addresses, vehicles, vessels, flights, bank accounts, travel documents,
# websites). Phones, emails and websites are properties of these (value nodes).
THING_SCHEMATA = ("Person", "Organization", "Company", "Address", "Vehicle", "Vessel",
                  "Airplane", "BankAccount", "Passport", "Identification", "UserAccount",
                  "CryptoWallet")
# Relationships: FtM interval schemata with a source and a target entity.
EDGE_SCHEMATA = ("Associate", "Family", "Employment", "Ownership", "Directorship",
                 "Membership", "Representation", "UnknownLink", "Trip")
SCHEMATA = THING_SCHEMATA + EDGE_SCHEMATA
# FtM property types that become value nodes in the network.
VALUE_NODE_TYPES = ("phone", "email", "url", "iban")


class EntityError(ValueError):
    """An entity FtM cannot accept; the message names the schema, property and value."""


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    label: str


def entity_key(ftm_id: str) -> str:
    return f"e:{ftm_id}"


def new_id(*parts: str) -> str:
    return "tk-" + hashlib.sha1("\x1f".join(parts).encode(), usedforsecurity=False).hexdigest()


def validated(*, schema: str, properties: Mapping[str, Iterable[str] | str],
              ftm_id: str) -> EntityProxy:
    """A FtM entity with every value cleaned by its property type, or ``EntityError``."""
    if schema not in SCHEMATA or model.get(schema) is None:
        raise EntityError(_("unknown or unsupported entity schema %(schema)s (allowed: "
                            "%(schemata)s)") % {
                              "schema": repr(schema), "schemata": ', '.join(SCHEMATA)})
    proxy = model.make_entity(schema)
    proxy.id = ftm_id
    # Countries first, so phone numbers written without a country code are read in them.
    ordered = sorted(properties.items(), key=lambda item: item[0] not in ("country",
                                                                          "nationality"))
    for name, raw in ordered:
        prop = proxy.schema.get(name)
        if prop is None:
            raise EntityError(_("%(schema)s: unknown property %(name)s") % {
                                  "schema": schema, "name": repr(name)})
        if prop.stub:
            raise EntityError(_("%(schema)s: property %(name)s is set from the other side") % {
                                  "schema": schema, "name": repr(name)})
        values = [raw] if isinstance(raw, str) else list(raw)
        for value in values:
            text = str(value).strip()
            if not text:
                continue
            cleaned = prop.type.clean(text, proxy=proxy)
            if cleaned is None:
                raise EntityError(_("%(schema)s: property %(name)s: %(text)s is not a valid "
                                    "%(label)s") % {
                                      "schema": schema, "name": repr(name), "text": repr(text),
                                      "label": prop.type.label.lower()})
            proxy.add(prop, cleaned, cleaned=True)
    if proxy.schema.edge:
        for side in (proxy.schema.edge_source, proxy.schema.edge_target):
            if side and not proxy.get(side):
                raise EntityError(_("%(schema)s: property %(side)s is required") % {
                                      "schema": schema, "side": repr(side)})
    elif not any(proxy.get(p) for p in proxy.schema.caption):
        raise EntityError(_("%(schema)s: give at least one of %(caption)s") % {
                              "schema": schema, "caption": ', '.join(proxy.schema.caption)})
    return proxy


def references(proxy: EntityProxy) -> list[str]:
    """The FtM ids this entity points at (they must exist and be visible)."""
    found = []
    for prop, value in proxy.itervalues():
        if prop.type.name == "entity":
            found.append(value)
    return found


def edges(proxy: EntityProxy) -> list[Edge]:
    """The network edges this entity states."""
    me = entity_key(str(proxy.id))
    schema = proxy.schema
    if schema.edge and schema.edge_source and schema.edge_target:
        out = [Edge(entity_key(s), entity_key(t), schema.label)
               for s in proxy.get(schema.edge_source) for t in proxy.get(schema.edge_target)]
        return out
    out = []
    for prop, value in proxy.itervalues():
        if prop.type.name == "entity":
            out.append(Edge(me, entity_key(value), prop.label))
        elif prop.type.name in VALUE_NODE_TYPES:
            out.append(Edge(me, f"{prop.type.name}:{value}", prop.label))
    return out


def caption(proxy: EntityProxy) -> str:
    if proxy.schema.edge:
        return proxy.schema.label
    return str(proxy.caption)[:200]


def as_proxy(*, schema: str, properties: dict[str, list[str]], ftm_id: str) -> EntityProxy:
    """A stored entity back as a FtM proxy (its values were cleaned when stored)."""
    return model.get_proxy({"id": ftm_id, "schema": schema, "properties": properties},
                           cleaned=True)


@dataclass(frozen=True)
class ShownValue:
    """One property value as a person reads it: a country's name rather than its code, and
    a referenced entity by its caption with its key (to link to), or, when the viewer may
    not see that entity, words saying so instead of an internal identifier."""

    text: str
    ftm_id: str = ""


@dataclass(frozen=True)
class ShownProperty:
    label: str
    values: tuple[ShownValue, ...]


def shown_properties(*, schema: str, properties: Mapping[str, Iterable[str]],
                     captions: Mapping[str, str]) -> list[ShownProperty]:
    """An entity's properties in FtM's own labels and value captions, in schema order.

    ``captions`` maps the ftm ids the viewer may see to their captions; a reference to any
    other entity reads "an entity you cannot see", so neither its caption nor its key shows.
    """
    from followthemoney import registry

    found = model.get(schema)
    rows: list[ShownProperty] = []
    for name, values in properties.items():
        prop = found.get(name) if found is not None else None
        if prop is None:
            rows.append(ShownProperty(name, tuple(ShownValue(str(v)) for v in values)))
            continue
        shown: list[ShownValue] = []
        for value in values:
            if prop.type == registry.entity:
                caption = captions.get(str(value))
                shown.append(ShownValue(caption, str(value)) if caption is not None
                             else ShownValue(_("an entity you cannot see")))
            else:
                shown.append(ShownValue(str(prop.type.caption(value) or value)))
        # FtM names its properties in English; the catalogue has those a page shows.
        rows.append(ShownProperty(_(str(prop.label)), tuple(shown)))
    return rows
