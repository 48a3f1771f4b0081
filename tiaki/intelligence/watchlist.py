"""Watchlist from intelligence: selected persons, organisations, documents and phones feed
border screening (seed 003 item 5: Customs "a profile on people trafficking indicators";
seed 002: intelligence drives action at the border).

Nothing here writes screening's tables: the "intelligence" watchlist is rebuilt from the
standing nominations through screening's own import (``watchlist_import`` with
``replace=True``), so an expired or withdrawn nomination leaves the list the same way any
list entry does (kept, inactive, so alerts it raised still name it). The entry's reason
says only that it came from intelligence and until when; its id ``INT-<n>`` leads back to
the nomination, and from there to the entity for whoever may see its report.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tiaki.audit.services import Action, audit_record
from tiaki.core.policy import Refused, get_visible, visible
from tiaki.intelligence.models import Entity, WatchlistNomination
from tiaki.intelligence.policies import WRITE_ROLES, may_read_intelligence
from tiaki.screening.parsers.countries import ALPHA2_TO_ALPHA3
from tiaki.screening.services.lists import WATCHLIST_COLUMNS, watchlist_import

LIST_NAME = "intelligence"
# Border screening is an interference with travel: a nomination lapses within a year unless
# renewed, so stale intelligence does not keep stopping people.
MAX_DAYS = 365
COLUMNS = (*WATCHLIST_COLUMNS, "expires_on")
NOMINABLE = ("Person", "Organization", "Company", "Passport", "Identification")


def _first(props: dict[str, list[str]], *names: str) -> str:
    for name in names:
        if props.get(name):
            return str(props[name][0])
    return ""


def _row(nomination: WatchlistNomination) -> dict[str, str]:
    entity = nomination.entity
    props = entity.properties
    row = dict.fromkeys(COLUMNS, "")
    row["id"] = nomination.external_id
    # Screening stops honouring the entry after this day even before the expiry job runs.
    row["expires_on"] = nomination.expires_on.isoformat()
    if entity.schema in ("Passport", "Identification"):
        row["document_number"] = _first(props, "number")
        row["document_country"] = _country3(_first(props, "country"))
        holder = Entity.objects.filter(ftm_id=_first(props, "holder")).first()
        if holder is not None:
            props = holder.properties
            row["full_name"] = holder.caption
    else:
        row["full_name"] = entity.caption
    row["given_name"] = _first(props, "firstName")
    row["family_name"] = _first(props, "lastName")
    row["date_of_birth"] = _first(props, "birthDate", "incorporationDate")[:10]
    row["nationality"] = _country3(_first(props, "nationality", "country", "jurisdiction"))
    row["email"] = _first(props, "email")
    row["phone"] = nomination.phone or _first(props, "phone")
    return row


def _country3(code: str) -> str:
    """FtM keeps ISO 3166 alpha-2; screening's contract takes alpha-3."""
    return ALPHA2_TO_ALPHA3.get(code.upper(), "") if code else ""


def standing(today: dt.date) -> list[WatchlistNomination]:
    return list(WatchlistNomination.objects.filter(
        withdrawn_at__isnull=True, expires_on__gte=today).select_related("entity")
        .order_by("pk"))


def watchlist_sync(*, actor: Any, today: dt.date) -> None:
    """Rebuild the intelligence watchlist from the nominations standing on ``today``."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(COLUMNS))
    writer.writeheader()
    for nomination in standing(today):
        writer.writerow(_row(nomination))
    watchlist_import(actor=actor, data=buffer.getvalue().encode(),
                     file_name="intelligence nominations", list_name=LIST_NAME,
                     reason=f"From intelligence (standing on {today.isoformat()})",
                     replace=True)


def watchlist_nominate(*, actor: Any, entity: Entity, reason: str, expires_on: dt.date,
                       today: dt.date, phone: str = "") -> WatchlistNomination:
    """Put an entity (or one phone of a person) on the intelligence watchlist until
    ``expires_on``."""
    if not actor.has_role(*WRITE_ROLES):
        raise Refused(_("only intelligence analysts put intelligence on a watchlist"))
    entity = get_visible(actor, Entity, pk=entity.pk)
    if entity.schema not in NOMINABLE:
        raise Refused(_("a %(schema)s cannot be screened at the border (persons, "
                        "organisations, travel documents and phones can)") % {
                          "schema": entity.schema})
    if phone and phone not in entity.properties.get("phone", []):
        raise Refused(_("%(caption)s has no phone %(phone)s") % {
                          "caption": entity.caption, "phone": phone})
    if not reason.strip():
        raise Refused(_("say why this belongs on the border watchlist"))
    if expires_on <= today:
        raise Refused(_("the expiry must be after today"))
    if expires_on > today + dt.timedelta(days=MAX_DAYS):
        raise Refused(_("a nomination lapses within %(days)s days; renew it later") % {
                          "days": MAX_DAYS})
    with transaction.atomic():
        nomination = WatchlistNomination.objects.create(
            entity=entity, kind=WatchlistNomination.Kind.PHONE if phone
            else WatchlistNomination.Kind.ENTITY, phone=phone, reason=reason.strip(),
            expires_on=expires_on, added_by=actor)
        audit_record(actor=actor, action=Action.CREATE, obj=nomination,
                     summary=f"{entity.ftm_id} nominated to the border watchlist as "
                             f"{nomination.external_id}",
                     changes={"expires_on": expires_on.isoformat(), "phone": phone},
                     reason=reason.strip())
        watchlist_sync(actor=actor, today=today)
    return nomination


def watchlist_withdraw(*, actor: Any, nomination: WatchlistNomination, reason: str,
                       today: dt.date) -> WatchlistNomination:
    if not actor.has_role(*WRITE_ROLES):
        raise Refused(_("only intelligence analysts withdraw intelligence from a watchlist"))
    nomination = get_visible(actor, WatchlistNomination, pk=nomination.pk)
    if nomination.withdrawn_at is not None:
        raise Refused(_("this nomination was already withdrawn"))
    if not reason.strip():
        raise Refused(_("say why the nomination is withdrawn"))
    with transaction.atomic():
        nomination.withdrawn_at, nomination.withdrawn_by = timezone.now(), actor
        nomination.withdrawal_reason = reason.strip()
        nomination.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"])
        audit_record(actor=actor, action=Action.UPDATE, obj=nomination,
                     summary=f"{nomination.external_id} withdrawn from the border watchlist",
                     reason=reason.strip())
        watchlist_sync(actor=actor, today=today)
    return nomination


def nomination_for(user: Any, external_id: str) -> WatchlistNomination:
    """The nomination behind a watchlist entry, if the user may see its entity (else 404)."""
    number = external_id.removeprefix("INT-")
    return get_visible(user, visible(user, WatchlistNomination).select_related("entity"),
                       pk=int(number) if number.isdigit() else 0)


def nomination_visible(user: Any, external_id: str) -> bool:
    """Whether ``user`` may follow a watchlist entry back to its nomination."""
    number = external_id.removeprefix("INT-")
    if not number.isdigit() or not may_read_intelligence(user):
        return False
    return visible(user, WatchlistNomination).filter(pk=int(number)).exists()
