"""Risk profiles: versions, test sets, publishing and retiring (items 9-10)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tiaki.audit.services import Action, audit_record
from tiaki.core.policy import Refused, policy_for
from tiaki.screening import checks
from tiaki.screening.models import (
    ProfileTestCase,
    RiskProfile,
    RiskProfileVersion,
    Traveller,
)
from tiaki.screening.policies import (
    AUTHOR,
    PUBLISH,
    is_analyst,
)
from tiaki.screening.rules import RuleError, compile_rule, parse_facts
from tiaki.screening.services.common import SCREEN_CHUNK
from tiaki.screening.services.ingest import _create_alerts
from tiaki.screening.services.lists import bump_version

# --- risk profiles ----------------------------------------------------------------------------


def _check_rule(expression: str) -> str:
    expression = expression.strip()
    try:
        compile_rule(expression)
    except RuleError as exc:
        raise Refused(_("the rule has an error at %(exc)s") % {"exc": exc}) from exc
    return expression


def _check_dates(effective_from: dt.date | None,
                 effective_to: dt.date | None) -> tuple[dt.date, dt.date | None]:
    start = effective_from or timezone.localdate()
    if effective_to is not None and effective_to < start:
        raise Refused(_("the profile cannot end before it starts"))
    return start, effective_to


def profile_create(*, actor: Any, name: str, description: str, expression: str,
                   effective_from: dt.date | None = None,
                   effective_to: dt.date | None = None) -> RiskProfile:
    """A new risk profile with its first (draft) version."""
    if not is_analyst(actor):
        raise Refused(_("only intelligence analysts write risk profiles"))
    if actor.agency is None:
        raise Refused(_("you do not belong to an agency"))
    name = name.strip()
    if not name:
        raise Refused(_("give the profile a name"))
    expression = _check_rule(expression)
    start, end = _check_dates(effective_from, effective_to)
    with transaction.atomic():
        profile = RiskProfile.objects.create(name=name[:200], description=description.strip(),
                                             owner=actor, owner_agency=actor.agency)
        version = RiskProfileVersion.objects.create(
            profile=profile, number=1, expression=expression, effective_from=start,
            effective_to=end, created_by=actor, note="first version")
        audit_record(actor=actor, action=Action.CREATE, obj=profile,
                     summary=f"Risk profile {profile.name} written",
                     changes={"version": version.number, "expression": expression})
    return profile


def profile_version_save(*, actor: Any, profile: RiskProfile, expression: str,
                         effective_from: dt.date | None = None,
                         effective_to: dt.date | None = None,
                         note: str = "") -> RiskProfileVersion:
    """Every edit makes a new draft version; published versions stay as they were."""
    policy_for(RiskProfile).check(actor, AUTHOR, profile)
    expression = _check_rule(expression)
    start, end = _check_dates(effective_from, effective_to)
    with transaction.atomic():
        last = RiskProfile.objects.select_for_update().get(pk=profile.pk).versions.first()
        number = (last.number if last else 0) + 1
        version = RiskProfileVersion.objects.create(
            profile=profile, number=number, expression=expression, effective_from=start,
            effective_to=end, created_by=actor, note=note.strip()[:300])
        audit_record(actor=actor, action=Action.CREATE, obj=version,
                     summary=f"{profile.name}: version {number} drafted",
                     changes={"expression": expression, "effective_from": start,
                              "effective_to": end})
    return version


def profile_test_add(*, actor: Any, profile: RiskProfile, label: str, facts: str,
                     must_hit: bool) -> ProfileTestCase:
    policy_for(RiskProfile).check(actor, AUTHOR, profile)
    label = label.strip()
    if not label:
        raise Refused(_("describe the test record"))
    try:
        parse_facts(facts)
    except RuleError as exc:
        raise Refused(_("the test record has an error at %(exc)s") % {"exc": exc}) from exc
    with transaction.atomic():
        case = ProfileTestCase.objects.create(profile=profile, label=label[:200],
                                              facts=facts.strip(), must_hit=must_hit,
                                              created_by=actor)
        audit_record(actor=actor, action=Action.CREATE, obj=case,
                     summary=f"{profile.name}: test '{case.label}' "
                             f"({'must hit' if must_hit else 'must not hit'})")
    return case


def profile_test_remove(*, actor: Any, case: ProfileTestCase) -> None:
    policy_for(ProfileTestCase).check(actor, AUTHOR, case)
    with transaction.atomic():
        audit_record(actor=actor, action=Action.DELETE, obj=case,
                     summary=f"{case.profile.name}: test '{case.label}' removed")
        case.delete()


@dataclass(frozen=True)
class TestResult:
    case: ProfileTestCase
    hit: bool
    error: str = ""

    @property
    def passed(self) -> bool:
        return not self.error and self.hit == self.case.must_hit


def profile_tests_run(version: RiskProfileVersion) -> list[TestResult]:
    """Run the profile's test set against one version (reads only)."""
    rule = compile_rule(version.expression)
    results = []
    for case in version.profile.tests.all():
        try:
            results.append(TestResult(case, rule.matches(parse_facts(case.facts))))
        except RuleError as exc:
            results.append(TestResult(case, False, str(exc)))
    return results


def profile_publish(*, actor: Any, version: RiskProfileVersion) -> RiskProfileVersion:
    """Publish a draft: its rule compiles and every test passes, and the profile has at least
    one record that must hit. The previously published version is retired."""
    policy_for(RiskProfileVersion).check(actor, PUBLISH, version)
    _check_rule(version.expression)
    results = profile_tests_run(version)
    if not any(r.case.must_hit for r in results):
        raise Refused(_("add at least one test record that must hit before publishing"))
    failed = [r for r in results if not r.passed]
    if failed:
        names = "; ".join(f"'{r.case.label}' should {'' if r.case.must_hit else 'not '}hit"
                          for r in failed)
        raise Refused(_("%(failed)s test(s) failed: %(names)s") % {
                          "failed": len(failed), "names": names})
    with transaction.atomic():
        previous = list(RiskProfileVersion.objects.select_for_update().filter(
            profile=version.profile, status=RiskProfileVersion.Status.PUBLISHED))
        for old in previous:
            old.status = RiskProfileVersion.Status.RETIRED
            old.save(update_fields=["status"])
        version.status = RiskProfileVersion.Status.PUBLISHED
        version.published_by = actor
        version.published_at = timezone.now()
        version.save(update_fields=["status", "published_by", "published_at"])
        bump_version(checks.PROFILES)
        audit_record(actor=actor, action=Action.UPDATE, obj=version,
                     summary=f"{version} published",
                     changes={"expression": version.expression, "tests": len(results),
                              "retired": [str(v) for v in previous]})
        from tiaki.screening.tasks import screen_pending

        version_id = version.pk
        transaction.on_commit(lambda: screen_pending.enqueue(version_id=version_id))
    return version


PENDING_APPLICATION_DAYS = 30


def pending_screen(*, version: RiskProfileVersion) -> int:
    """Run a newly published version over the records it can still make a difference to:
    travellers who have not arrived yet (arrival today or later) and visa applications
    received in the last 30 days. Returns the number of new alerts."""
    if version.status != RiskProfileVersion.Status.PUBLISHED:
        return 0
    rule = compile_rule(version.expression)
    today = timezone.localdate()
    since = timezone.now() - dt.timedelta(days=PENDING_APPLICATION_DAYS)
    pending = Traveller.objects.filter(
        Q(kind=Traveller.Kind.TRAVELLER, arrival_date__gte=today)
        | Q(kind=Traveller.Kind.VISA_APPLICATION, created_at__gte=since)).order_by("pk")
    total = checked = 0
    for start in range(0, pending.count(), SCREEN_CHUNK):
        chunk = list(pending[start:start + SCREEN_CHUNK])
        checked += len(chunk)
        with transaction.atomic():
            total += len(_create_alerts(checks.profile_hits(chunk, [(version, rule)]), None))
    with transaction.atomic():
        audit_record(actor=None, action=Action.UPDATE, obj=version,
                     summary=f"{version} run over {checked} pending records: {total} alerts",
                     changes={"checked": checked, "alerts": total})
    return total


def profile_retire(*, actor: Any, version: RiskProfileVersion, reason: str) -> None:
    """Stop a published version from raising alerts (its alerts keep naming it)."""
    policy_for(RiskProfileVersion).check(actor, AUTHOR, version)
    if version.status != RiskProfileVersion.Status.PUBLISHED:
        raise Refused(_("only a published version can be retired"))
    if not reason.strip():
        raise Refused(_("say why the profile is retired (the periodic review keeps the reason)"))
    with transaction.atomic():
        version.status = RiskProfileVersion.Status.RETIRED
        version.save(update_fields=["status"])
        bump_version(checks.PROFILES)
        audit_record(actor=actor, action=Action.UPDATE, obj=version,
                     summary=f"{version} retired", reason=reason)


