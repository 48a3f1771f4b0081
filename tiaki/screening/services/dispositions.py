"""Officers' dispositions of alerts, the hand-off to investigators, and post membership."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from tiaki.accounts.models import User
from tiaki.accounts.roles import Role
from tiaki.audit.services import Action, audit_record
from tiaki.core.policy import Refused, policy_for
from tiaki.intake.models import Report, Screening
from tiaki.intake.services import alert_referral_submit
from tiaki.screening import checks
from tiaki.screening.models import (
    Alert,
    Disposition,
    Post,
)
from tiaki.screening.policies import (
    DISPOSE,
)

# --- dispositions -------------------------------------------------------------------------------


def screening_link(alert: Alert) -> str:
    """The address of the intake app's frontline screening form, opened for this alert.

    The form takes a label, not a name (intake: "identity belongs in a case"), the place,
    and the age group, which picks the indicator set (children have their own, seed 002).
    """
    try:
        base = reverse("intake:screening_new")
    except NoReverseMatch:
        return ""
    traveller = alert.traveller
    leg = traveller.itinerary[-1] if traveller.itinerary else {}
    flight = f"{leg.get('carrier') or ''}{leg.get('flight_number') or ''}".strip()
    label = f"Border alert {alert.pk}" + (f", flight {flight}" if flight else "")
    age = checks.traveller_facts(traveller).get("age")
    age_group = "" if age is None else ("child" if age < 18 else "adult")
    setting = f"{alert.post.name}, border screening"
    query = urlencode({"subject_label": label, "setting": setting, "age_group": age_group,
                       "alert": alert.pk})
    return f"{base}?{query}"


def _report_trafficking(*, actor: Any, alert: Alert, note: str) -> tuple[str, str, Report]:
    """A border officer's report of suspected trafficking (item 10): a triage item for the
    agencies that receive referrals (Police and MBIE, who jointly investigate: seed 004),
    whose investigators are told at once and may open this alert; the officer is sent on
    to a frontline screening of the person. Returns (what happened, where next, report)."""
    traveller = alert.traveller
    facts = checks.traveller_facts(traveller)
    age = facts.get("age")
    leg = traveller.itinerary[-1] if traveller.itinerary else {}
    flight = f"{leg.get('carrier') or ''}{leg.get('flight_number') or ''}".strip()
    # No name in the report: identity stays with the alert, which shows it to those who
    # may open it, and every opening is audited.
    summary = "\n".join(line for line in [
        f"Suspected trafficking reported on border alert {alert.pk} at {alert.post} "
        f"({alert.get_source_display().lower()}: {alert.fired_by}).",
        f"Flight {flight}, arriving {traveller.arrival_date:%d %b %Y}."
        if flight and traveller.arrival_date else "",
        f"Officer's note: {note}",
    ] if line)
    screened = Screening.objects.filter(alert=alert, report__isnull=False).exclude(
        report__status=Report.Status.CLOSED).select_related("report").first()
    if screened is not None and screened.report is not None:
        # A screening of this person already referred them: one person, one triage item.
        report = screened.report
        return (_("Already in triage as %(reference)s (screening %(screening)s)") % {
            "reference": report.reference, "screening": screened.reference}, "", report)
    report = alert_referral_submit(
        actor=actor, alert_reference=f"border alert {alert.pk}", summary=summary,
        place=f"{alert.post.name}, border", child=None if age is None else age < 18)
    agencies = _(" and ").join(str(r.agency)
                               for r in report.routes.select_related("agency").order_by("pk"))
    told = {"agencies": agencies, "reference": report.reference}
    link = screening_link(alert)
    if link:
        return (_("Frontline screening opened; referred to %(agencies)s investigators as "
                  "%(reference)s") % told, link, report)
    return _("Referred to %(agencies)s investigators as %(reference)s") % told, "", report


def alert_dispose(*, actor: Any, alert: Alert, outcome: str, note: str = "") -> Disposition:
    """Record an officer's disposition: cleared, referred, or suspected trafficking reported
    (which opens a frontline screening). Dispositions are the measure of items 9 and 10."""
    policy_for(Alert).check(actor, DISPOSE, alert)
    if outcome not in Disposition.Outcome.values:
        raise Refused(_("choose one of: %(value)s") % {
                          "value": ', '.join(str(x) for x in Disposition.Outcome.labels)})
    note = note.strip()
    if outcome != Disposition.Outcome.CLEARED and not note:
        raise Refused(_("say why the alert is referred or reported (a note is required)"))
    with transaction.atomic():
        locked = Alert.objects.select_for_update().get(pk=alert.pk)
        if Disposition.objects.filter(alert=locked).exists():
            raise Refused(_("this alert already has a disposition"))
        disposition = Disposition(alert=locked, outcome=outcome, note=note, officer=actor,
                                  agency=actor.agency)
        if outcome == Disposition.Outcome.TRAFFICKING:
            (disposition.follow_up, disposition.follow_up_url,
             disposition.report) = _report_trafficking(actor=actor, alert=locked, note=note)
        disposition.save()
        Alert.objects.filter(pk=locked.pk).update(decided=True)
        alert.decided = True
        audit_record(actor=actor, action=Action.CREATE, obj=disposition,
                     summary=f"Alert {alert.pk}: {disposition.get_outcome_display()}",
                     changes={"alert": alert.pk, "outcome": outcome,
                              "follow_up": disposition.follow_up})
    return disposition


def post_membership_set(*, actor: Any, user: User, posts: Sequence[Post]) -> None:
    """Assign an officer to the posts whose queues they work (administrators)."""
    if not actor.has_role(Role.ADMINISTRATOR):
        raise Refused(_("only administrators assign officers to posts"))
    from tiaki.screening.models import PostMembership

    with transaction.atomic():
        PostMembership.objects.filter(user=user).exclude(post__in=posts).delete()
        for post in posts:
            PostMembership.objects.get_or_create(user=user, post=post)
        audit_record(actor=actor, action=Action.UPDATE, obj=user,
                     summary=f"{user} works the queues of {', '.join(p.code for p in posts)}")
