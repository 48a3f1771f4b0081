"""The authorisation matrix: every route and API operation × every role × own and other agencies.

The routes come from the URLconf (``get_resolver()`` walked) and the operations from the
OpenAPI schema served at ``/api/schema``; nothing is listed by hand except the expected
outcome. A route or operation missing from ``PAGES``/``API`` fails the test, so a route added
later is covered the day it is added; a declaration whose route has gone fails too.

Outcomes: ``OK`` means the person may use it (200, a redirect that is not to sign-in, or 405
for a POST-only address opened with GET); anything else must be a refusal (403/404). Objects
of another agency: a case opened by Oranga Tamariki carries sentinel strings; every
address that names it answers 404 to everyone outside Oranga Tamariki, and no 200 body any of
them receives contains a sentinel. No response anywhere is a server error.

The data (the demo load: every flow, one persona per role, in several agencies) is built
once and the whole matrix is walked in one test so it stays fast enough to run on both
databases in CI.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import login
from tiaki.accounts.models import User
from tiaki.accounts.roles import PLAN_REPORTING_ROLES, Role

R = Role
ALL = frozenset(Role)  # every staff role
NONE: frozenset[Role] = frozenset()
PUBLIC = "public"  # anonymous portal and sign-in pages: anyone, signed in or not

SENTINEL_NAME = "Zenobia Quillfeather-Oyelaran"
SENTINEL_LANGUAGE = "Xoqhuatl-sentinel"
SENTINELS = (SENTINEL_NAME.split()[0], "Quillfeather", SENTINEL_LANGUAGE)
OTHER_AGENCY = "ORANGA_TAMARIKI"


@dataclass(frozen=True)
class Route:
    """Who may use a route, and how to fill its parameters from the loaded data.

    ``obj`` names the model (``app.Model``) whose first row fills the parameters and the
    field each parameter takes; routes with ``case`` also run against the other agency's
    sentinel case, which only that agency may open.
    """

    roles: frozenset[Role] | str
    obj: str = ""
    fields: tuple[tuple[str, str], ...] = ()
    extra: tuple[tuple[str, str], ...] = ()
    case: str = ""  # the parameter that names a case, for the other-agency variant


def _r(roles: frozenset[Role] | str, obj: str = "", *, extra: dict[str, str] | None = None,
       case: str = "", **fields: str) -> Route:
    return Route(roles, obj, tuple(fields.items()), tuple((extra or {}).items()), case)


# Role sets used below.
CASE = frozenset({R.INVESTIGATOR, R.SENIOR_OFFICER, R.CASE_MANAGER})
REFERRAL = CASE | {R.SERVICE_PROVIDER}
OVERSIGHT = frozenset({R.SECRETARIAT, R.MINISTER_OFFICE, R.ADMINISTRATOR, R.SENIOR_OFFICER})
FIGURES = OVERSIGHT | {R.AUDITOR, R.INTELLIGENCE_ANALYST}
TEAM = frozenset({R.INVESTIGATOR, R.SENIOR_OFFICER, R.FRONTLINE})
SCREENERS = frozenset({R.FRONTLINE, R.CASE_MANAGER, R.INVESTIGATOR, R.SENIOR_OFFICER})
BORDER = frozenset({R.FRONTLINE, R.INTELLIGENCE_ANALYST})
ANALYST = frozenset({R.INTELLIGENCE_ANALYST})
PLAN_REPORTERS = frozenset(PLAN_REPORTING_ROLES)
ADMINS = frozenset({R.ADMINISTRATOR, R.PLATFORM_ADMINISTRATOR})
PLATFORM = frozenset({R.PLATFORM_ADMINISTRATOR})
INTEL = frozenset({R.INTELLIGENCE_ANALYST, R.INVESTIGATOR, R.SENIOR_OFFICER})
SENIOR = frozenset({R.SENIOR_OFFICER})
PKG = "intelligence.SharingPackage"
PRIVACY = frozenset({R.PRIVACY_OFFICER})
PREQ = "privacy.AccessRequest"
PBREACH = "privacy.Breach"

# fmt: off
PAGES: dict[str, Route] = {
    "core:home": _r(ALL),
    "core:healthz": _r(PUBLIC),
    "readyz": _r(PUBLIC),
    "core:notifications": _r(ALL),
    # Global search: every role; each kind of record answers through its own policy.
    "core:search": _r(ALL),
    "core:notifications_read_all": _r(ALL),
    "core:notification_settings": _r(ALL),
    # A notification answers only the person it was sent to (others: 404).
    "core:notification_open": _r(ALL, "core.Notification", pk="pk"),
    "core:notification_read": _r(ALL, "core.Notification", pk="pk"),
    "accounts:oidc_start": _r(PUBLIC, extra={"agency": "POLICE"}),
    "accounts:oidc_callback": _r(PUBLIC),
    # Administration: the section is closed to other roles; an agency administrator sees
    # only their own agency's people and posts.
    "administration:users": _r(ADMINS),
    "administration:user_new": _r(ADMINS),
    "administration:user": _r(ADMINS, "accounts.User", pk="pk"),
    "administration:user_password": _r(ADMINS, "accounts.User", pk="pk"),
    "administration:second_factor_reset": _r(ADMINS, "accounts.User", pk="pk"),
    "administration:enrolment_code": _r(ADMINS, "accounts.User", pk="pk"),
    "administration:user_deactivate": _r(ADMINS, "accounts.User", pk="pk"),
    "administration:user_reactivate": _r(ADMINS, "accounts.User", pk="pk"),
    "administration:token_issue": _r(ADMINS, "accounts.User", pk="pk"),
    # The demo issues no API token: a form address (POST only) with a token no row has.
    "administration:token_revoke": _r(ADMINS, extra={"pk": "1", "token_pk": "999999"}),
    "administration:posts": _r(ADMINS),
    "administration:post_new": _r(ADMINS),
    "administration:post": _r(ADMINS, "screening.Post", pk="pk"),
    "administration:jobs": _r(PLATFORM),
    "administration:job_action": _r(PLATFORM, "scheduling.ScheduledJob", pk="pk"),
    # Retention: administrators manage their own agency's legal holds (platform: every agency).
    "retention:index": _r(ADMINS),
    "retention:hold_new": _r(ADMINS),
    "retention:hold_release": _r(ADMINS, "retention.LegalHold", pk="pk"),
    "administration:agencies": _r(ADMINS),
    "administration:agency": _r(ADMINS, "accounts.Agency", pk="pk"),
    "intelligence:list": _r(INTEL),
    "intelligence:new": _r(INTEL),
    "intelligence:plan": _r(INTEL),
    "intelligence:report": _r(INTEL, "intelligence.Report", reference="reference"),
    "intelligence:entity_add": _r(INTEL, "intelligence.Report", reference="reference"),
    "intelligence:entity": _r(INTEL, "intelligence.Entity", ftm_id="ftm_id"),
    "intelligence:network": _r(INTEL),
    "intelligence:judge": _r(INTEL, "intelligence.Entity", ftm_id="ftm_id"),
    "intelligence:undo": _r(INTEL, "intelligence.Judgement", pk="pk"),
    "intelligence:sharing": _r(INTEL),
    "intelligence:package_new": _r(INTEL),
    "intelligence:package": _r(INTEL, "intelligence.SharingPackage", reference="reference"),
    "intelligence:package_decide": _r(INTEL, "intelligence.SharingPackage",
                                      reference="reference"),
    "intelligence:package_export": _r(INTEL, "intelligence.SharingPackage",
                                      reference="reference"),
    "intelligence:import": _r(INTEL),
    "intelligence:nominate": _r(INTEL, "intelligence.Entity", ftm_id="ftm_id"),
    "intelligence:nomination": _r(INTEL, "intelligence.WatchlistNomination",
                                  external_id="pk"),
    "intelligence:withdraw": _r(INTEL, "intelligence.WatchlistNomination", external_id="pk"),
    "accounts:login": _r(PUBLIC),
    "accounts:second_factor": _r(PUBLIC),
    "accounts:logout": _r(PUBLIC),
    "plan:dashboard": _r(ALL),
    "plan:todo": _r(ALL),
    "plan:report": _r(ALL),
    "plan:item": _r(ALL, "plan.ActionItem", number="number"),
    "plan:report_build_new": _r(ALL),
    "plan:report_build": _r(OVERSIGHT, "plan.ReportBuild", pk="pk"),
    "plan:report_sign_off": _r(frozenset({R.SECRETARIAT}), "plan.ReportBuild", pk="pk"),
    "plan:report_download": _r(OVERSIGHT, "plan.ReportBuild", pk="pk", extra={"kind": "html"}),
    "plan:working_group": _r(ALL),
    "plan:meeting": _r(ALL, "plan.Meeting", pk="pk"),
    "plan:statistics": _r(ALL),
    "plan:statistics_release": _r(OVERSIGHT, "plan.StatisticsRelease", pk="pk"),
    "plan:records_index": _r(ALL),
    "plan:records": _r(ALL, extra={"slug": "training"}),
    "plan:evidence": _r(ALL, "plan.Evidence", pk="pk"),
    "audit:search": _r(frozenset({R.AUDITOR, R.ADMINISTRATOR})),
    "intake:report": _r(PUBLIC),
    "intake:followup": _r(PUBLIC),
    "intake:triage": _r(CASE),
    "intake:triage_detail": _r(CASE, "intake.Report", pk="pk"),
    "intake:triage_action": _r(CASE, "intake.Report", pk="pk", extra={"action": "priority"}),
    "intake:attachment": _r(CASE, "intake.ReportAttachment", pk="pk"),
    "intake:screening_list": _r(SCREENERS | {R.SERVICE_PROVIDER}),
    "intake:screening_new": _r(SCREENERS | {R.SERVICE_PROVIDER}),
    "intake:screening_detail": _r(SCREENERS, "intake.Screening", pk="pk"),
    "intake:guide": _r(ALL - PLATFORM - PRIVACY),
    "intake:translations": _r(frozenset({R.SECRETARIAT, R.ADMINISTRATOR})),
    "intake:translation": _r(frozenset({R.SECRETARIAT, R.ADMINISTRATOR}),
                             extra={"language": "mi"}),
    "intake:counts": _r(FIGURES),
    # Lists are open to every role and filtered to what the person may see.
    "cases:list": _r(ALL),
    "cases:new": _r(ALL),
    "cases:inbox": _r(ALL),
    "cases:referral": _r(REFERRAL, "cases.Referral", pk="pk"),
    "cases:referral_withdraw": _r(REFERRAL, "cases.Referral", pk="pk"),
    "cases:children": _r(ALL),
    "cases:minister": _r(ALL),
    "cases:measures": _r(OVERSIGHT),
    "cases:certification": _r(CASE, "cases.Certification", reference="reference"),
    "cases:certificate": _r(CASE, "cases.Certification", reference="reference"),
    "cases:certificate_pdf": _r(CASE, "cases.Certification", reference="reference"),
    "cases:repatriation_complete": _r(CASE, "cases.Repatriation", pk="pk"),
    "cases:immigration_decide": _r(CASE, "cases.ImmigrationApplication", pk="pk"),
    "cases:court_outcome": _r(CASE, "cases.CourtDate", pk="pk"),
    "cases:detail": _r(CASE, "cases.VictimCase", reference="reference", case="reference"),
    "cases:reveal": _r(CASE, "cases.VictimCase", reference="reference", case="reference"),
    "cases:identity_edit": _r(CASE, "cases.VictimCase", reference="reference",
                              case="reference"),
    "cases:export": _r(CASE, "cases.VictimCase", reference="reference", case="reference"),
    "cases:certify": _r(CASE, "cases.VictimCase", reference="reference", case="reference"),
    "cases:action": _r(CASE, "cases.VictimCase", reference="reference", case="reference",
                       extra={"action": "risk"}),
    "screening:queue": _r(BORDER | {R.INVESTIGATOR, R.SENIOR_OFFICER}),
    "screening:alert": _r(BORDER | CASE, "screening.Alert", pk="pk"),
    "screening:profiles": _r(ANALYST),
    "screening:profile": _r(ANALYST, "screening.RiskProfile", pk="pk"),
    "screening:ingest": _r(BORDER),
    "screening:batch": _r(BORDER, "screening.IngestBatch", pk="pk"),
    "screening:watchlists": _r(ANALYST),
    "screening:documents": _r(BORDER),
    # Privacy requests and breaches: the holding agency's privacy officers only (the demo's
    # are Police's, which holds the demo request and breach).
    "privacy:queue": _r(PRIVACY),
    "privacy:request_new": _r(PRIVACY),
    "privacy:request": _r(PRIVACY, PREQ, reference="reference"),
    "privacy:request_export": _r(PRIVACY, PREQ, reference="reference"),
    "privacy:request_action": _r(PRIVACY, PREQ, reference="reference",
                                 extra={"action": "acknowledge"}),
    "privacy:breaches": _r(PRIVACY),
    "privacy:breach_new": _r(PRIVACY),
    "privacy:breach": _r(PRIVACY, PBREACH, reference="reference"),
    "privacy:breach_action": _r(PRIVACY, PBREACH, reference="reference",
                                extra={"action": "assess"}),
    "privacy:breach_action_on": _r(PRIVACY, "privacy.AffectedPerson",
                                   reference="breach__reference", pk="pk",
                                   extra={"action": "person"}),
    "investigations:list": _r(ALL),
    "investigations:new": _r(ALL),
    "investigations:figures": _r(FIGURES),
    "investigations:detail": _r(TEAM, "investigations.Investigation", reference="reference"),
    "investigations:action": _r(TEAM, "investigations.Investigation", reference="reference",
                                extra={"action": "task"}),
    "investigations:action_on": _r(TEAM, "investigations.Investigation",
                                   reference="reference", extra={"action": "task_finish",
                                                                 "pk": "1"}),
    "victims_info:index": _r(PUBLIC),
    "victims_info:page": _r(PUBLIC, extra={"language": "en"}),
    "victims_info:pamphlet": _r(PUBLIC, extra={"language": "en"}),
    "set_language": _r(PUBLIC),
    "^static/(?P<path>.*)$": _r(PUBLIC, extra={"path": "tiaki/tiaki.css"}),
}

# API operations by operationId (path parameters as for pages, by parameter name).
INV = "investigations.Investigation"
API: dict[str, Route] = {
    "tiaki_cases_api_list_cases": _r(ALL),
    "tiaki_cases_api_get_measures": _r(OVERSIGHT),
    "tiaki_cases_api_post_case": _r(CASE),
    "tiaki_cases_api_get_certification": _r(CASE, "cases.Certification",
                                            reference="reference"),
    "tiaki_cases_api_post_certification": _r(CASE, "cases.VictimCase", reference="reference",
                                             case="reference"),
    "tiaki_cases_api_post_endorse": _r(SENIOR, "cases.Certification", reference="reference"),
    "tiaki_cases_api_post_decline": _r(SENIOR, "cases.Certification", reference="reference"),
    "tiaki_cases_api_post_revoke": _r(SENIOR, "cases.Certification", reference="reference"),
    "tiaki_cases_api_post_close": _r(CASE, "cases.VictimCase", reference="reference",
                                     case="reference"),
    "tiaki_cases_api_post_consent": _r(CASE, "cases.VictimCase", reference="reference",
                                       case="reference"),
    "tiaki_cases_api_post_referral": _r(CASE, "cases.VictimCase", reference="reference",
                                        case="reference"),
    # Filtered to the reports the caller may triage (empty for other roles), like the lists.
    "tiaki_intake_api_triage_list": _r(ALL),
    "tiaki_intake_api_triage_detail": _r(CASE, "intake.Report", report_id="pk"),
    "tiaki_intake_api_triage_claim": _r(CASE, "intake.Report", report_id="pk"),
    "tiaki_intake_api_triage_decide": _r(CASE, "intake.Report", report_id="pk"),
    "tiaki_screening_api_ingest_passenger_list": _r(BORDER),
    "tiaki_cases_api_list_referrals": _r(ALL),
    "tiaki_cases_api_get_referral": _r(REFERRAL, "cases.Referral", referral_id="pk"),
    "tiaki_cases_api_post_referral_step": _r(REFERRAL, "cases.Referral", referral_id="pk"),
    "tiaki_cases_api_get_case": _r(CASE, "cases.VictimCase", reference="reference",
                                   case="reference"),
    "tiaki_cases_api_post_export": _r(CASE, "cases.VictimCase", reference="reference",
                                      case="reference"),
    "tiaki_cases_api_post_identity": _r(CASE, "cases.VictimCase", reference="reference",
                                        case="reference"),
    "tiaki_intake_api_counts": _r(FIGURES),
    "tiaki_intelligence_api_list_reports": _r(INTEL),
    "tiaki_intelligence_api_post_report": _r(INTEL),
    "tiaki_intelligence_api_get_report": _r(INTEL, "intelligence.Report", reference="reference"),
    "tiaki_intelligence_api_post_entity": _r(INTEL, "intelligence.Report", reference="reference"),
    "tiaki_intelligence_api_list_entities": _r(INTEL),
    "tiaki_intelligence_api_get_entity": _r(INTEL, "intelligence.Entity", ftm_id="ftm_id"),
    "tiaki_intelligence_api_get_neighbourhood": _r(INTEL, extra={"?": "node=e:none"}),
    "tiaki_intelligence_api_get_path": _r(INTEL, extra={"?": "start=e:a&goal=e:b"}),
    "tiaki_intelligence_api_list_judgements": _r(INTEL),
    "tiaki_intelligence_api_post_judgement": _r(INTEL),
    "tiaki_intelligence_api_list_candidates": _r(INTEL),
    "tiaki_intelligence_api_post_undo": _r(INTEL, "intelligence.Judgement", judgement_id="pk"),
    "tiaki_intelligence_api_list_packages": _r(INTEL),
    "tiaki_intelligence_api_post_package": _r(INTEL),
    "tiaki_intelligence_api_get_package": _r(INTEL, PKG, reference="reference"),
    "tiaki_intelligence_api_post_decision": _r(INTEL, PKG, reference="reference"),
    "tiaki_intelligence_api_post_export": _r(INTEL, PKG, reference="reference"),
    "tiaki_intelligence_api_list_log": _r(INTEL),
    "tiaki_intelligence_api_post_import": _r(INTEL),
    "tiaki_intelligence_api_post_nomination": _r(INTEL, "intelligence.Entity", ftm_id="ftm_id"),
    "tiaki_intelligence_api_post_withdrawal": _r(INTEL, "intelligence.WatchlistNomination",
                                                 external_id="pk"),
    "tiaki_privacy_api_list_requests": _r(ALL),
    "tiaki_privacy_api_post_request": _r(PRIVACY),
    "tiaki_privacy_api_get_request": _r(PRIVACY, PREQ, reference="reference"),
    "tiaki_privacy_api_post_acknowledge": _r(PRIVACY, PREQ, reference="reference"),
    "tiaki_privacy_api_post_extend": _r(PRIVACY, PREQ, reference="reference"),
    "tiaki_privacy_api_post_decide": _r(PRIVACY, PREQ, reference="reference"),
    "tiaki_privacy_api_post_transfer": _r(PRIVACY, PREQ, reference="reference"),
    "tiaki_privacy_api_post_export": _r(PRIVACY, PREQ, reference="reference"),
    "tiaki_privacy_api_post_correct": _r(PRIVACY, PREQ, reference="reference"),
    "tiaki_privacy_api_post_statement": _r(PRIVACY, PREQ, reference="reference"),
    "tiaki_privacy_api_post_close": _r(PRIVACY, PREQ, reference="reference"),
    "tiaki_privacy_api_list_breaches": _r(ALL),
    "tiaki_privacy_api_post_breach": _r(PRIVACY),
    "tiaki_privacy_api_get_breach": _r(PRIVACY, PBREACH, reference="reference"),
    "tiaki_privacy_api_post_assess": _r(PRIVACY, PBREACH, reference="reference"),
    "tiaki_privacy_api_post_breach_decide": _r(PRIVACY, PBREACH, reference="reference"),
    "tiaki_privacy_api_post_commissioner": _r(PRIVACY, PBREACH, reference="reference"),
    "tiaki_privacy_api_post_person": _r(PRIVACY, "privacy.AffectedPerson",
                                        reference="breach__reference", person_id="pk"),
    "tiaki_privacy_api_post_breach_close": _r(PRIVACY, PBREACH, reference="reference"),
    "tiaki_investigations_api_list_investigations": _r(ALL),
    "tiaki_investigations_api_post_investigation": _r(TEAM),
    "tiaki_investigations_api_get_figures": _r(FIGURES),
    "tiaki_investigations_api_get_investigation": _r(TEAM, INV, reference="reference"),
    "tiaki_investigations_api_post_consent": _r(
        TEAM, "investigations.Charge", reference="suspect__investigation__reference",
        charge_id="pk"),
    "tiaki_investigations_api_post_outcome": _r(
        TEAM, "investigations.Charge", reference="suspect__investigation__reference",
        charge_id="pk"),
    "tiaki_investigations_api_post_sentence": _r(
        TEAM, "investigations.Charge", reference="suspect__investigation__reference",
        charge_id="pk"),
    "tiaki_investigations_api_post_close": _r(TEAM, INV, reference="reference"),
    "tiaki_investigations_api_post_communication": _r(TEAM, INV, reference="reference"),
    "tiaki_investigations_api_post_link": _r(TEAM, INV, reference="reference"),
    "tiaki_investigations_api_post_member": _r(TEAM, INV, reference="reference"),
    "tiaki_investigations_api_post_senior": _r(TEAM, INV, reference="reference"),
    "tiaki_investigations_api_post_suspect": _r(TEAM, INV, reference="reference"),
    "tiaki_investigations_api_post_charge": _r(
        TEAM, "investigations.Suspect", reference="investigation__reference",
        suspect_id="pk"),
    "tiaki_investigations_api_post_hearing": _r(
        TEAM, "investigations.Suspect", reference="investigation__reference",
        suspect_id="pk"),
    "tiaki_investigations_api_post_interview": _r(TEAM, INV, reference="reference"),
    "tiaki_investigations_api_post_interview_held": _r(
        TEAM, "investigations.Interview", reference="investigation__reference",
        interview_id="pk"),
    "tiaki_investigations_api_post_exhibit": _r(TEAM, INV, reference="reference"),
    "tiaki_investigations_api_post_custody": _r(
        TEAM, "investigations.Exhibit", reference="investigation__reference", exhibit_id="pk"),
    "tiaki_investigations_api_post_disclosure": _r(
        TEAM, "investigations.Suspect", reference="investigation__reference",
        suspect_id="pk"),
    "tiaki_investigations_api_post_appeal": _r(
        TEAM, "investigations.Charge", reference="suspect__investigation__reference",
        charge_id="pk"),
    "tiaki_investigations_api_post_appeal_decision": _r(
        TEAM, "investigations.Appeal", reference="charge__suspect__investigation__reference",
        appeal_id="pk"),
    "tiaki_investigations_api_post_hearing_outcome": _r(
        TEAM, "investigations.Hearing", reference="investigation__reference",
        hearing_id="pk"),
    "tiaki_investigations_api_post_task": _r(TEAM, INV, reference="reference"),
    "tiaki_investigations_api_post_task_finish": _r(
        TEAM, "investigations.Task", reference="investigation__reference", task_id="pk"),
    "tiaki_plan_api_get_evidence": _r(ALL, "plan.Evidence", evidence_id="pk"),
    "tiaki_plan_api_list_plans": _r(ALL),
    "tiaki_plan_api_get_dashboard": _r(ALL, "plan.Plan", plan_code="code"),
    "tiaki_plan_api_list_items": _r(ALL, "plan.Plan", plan_code="code"),
    "tiaki_plan_api_get_item": _r(ALL, "plan.ActionItem", plan_code="plan__code",
                                  number="number"),
    "tiaki_plan_api_post_update": _r(PLAN_REPORTERS, "plan.ActionItem",
                                     plan_code="plan__code", number="number"),
    "tiaki_plan_api_post_update_with_evidence": _r(PLAN_REPORTERS, "plan.ActionItem",
                                                   plan_code="plan__code", number="number"),
    "tiaki_plan_api_get_agency_todo": _r(ALL, "plan.Plan", plan_code="code"),
    "tiaki_intake_api_public_challenge": _r(PUBLIC),
    "tiaki_intake_api_public_report": _r(PUBLIC),
    # Screening lists answer everyone, filtered to the alerts and lists the caller may see.
    "tiaki_screening_api_list_alerts": _r(ALL),
    "tiaki_screening_api_dispose_alert": _r(BORDER, "screening.Alert", alert_id="pk"),
    "tiaki_screening_api_list_documents": _r(ALL),
    "tiaki_screening_api_add_document": _r(BORDER),
    "tiaki_screening_api_check_document": _r(ALL, extra={"?": "number=P1234567"}),
    "tiaki_screening_api_withdraw_document": _r(BORDER, "screening.LostDocument",
                                                doc_id="pk"),
    "tiaki_screening_api_review": _r(ALL),
    "tiaki_screening_api_screen_one": _r(BORDER),
    "tiaki_screening_api_ingest_applications": _r(BORDER),
}
# fmt: on

# Routes that exist only in some configurations (static files are served by Django only in
# demo mode); their declaration may stand while the route is absent.
CONDITIONAL = {"^static/(?P<path>.*)$"}


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[
        tuple[str, URLPattern]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}{entry.namespace}:"
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            # An unnamed route is declared by its pattern.
            yield f"{namespace}{entry.name or prefix + str(entry.pattern)}", entry


def page_routes() -> dict[str, URLPattern]:
    """Named page routes (the API's own routes are covered through its schema)."""
    found: dict[str, URLPattern] = {}
    for name, pattern in _walk(get_resolver().url_patterns):
        if name.startswith("api:"):
            continue
        found[name] = pattern
    return found


def _fill(route: Route, *, params: list[str], other_case: Any | None = None) -> dict[str, Any]:
    """Parameters for one request: from the declared model's first row (or a pk no row has,
    when the loaded data holds none, which must then answer 404), plus fixed values."""
    values: dict[str, Any] = dict(route.extra)
    if route.obj:
        model = apps.get_model(route.obj)
        lookups = [f for _, f in route.fields]
        row = model.objects.order_by("pk").values(*lookups).first()
        for param, field in route.fields:
            values[param] = row[field] if row else (999999 if field == "pk" else "NONE-9")
    if other_case is not None:
        values[route.case] = other_case.reference
    missing = set(params) - set(values)
    assert not missing, f"declaration gives no value for {sorted(missing)}"
    return {k: v for k, v in values.items() if k in params or k == "?"}


def _allowed(route: Route, user: User | None) -> bool | None:
    if route.roles == PUBLIC:
        return None  # open to all: only "no 500" and "no sentinel" apply
    if user is None:
        return False
    assert isinstance(route.roles, frozenset), "declaration still says 'discover'"
    return bool(set(user.role_codes()) & route.roles)


OK = {200, 201, 202, 204, 302}
REFUSED = {403, 404}


def _verdict(response: Any) -> str:
    code = response.status_code
    if code == 302 and "/accounts/login/" in response.get("Location", ""):
        return "login"
    if code == 405:
        return "method"
    if code in OK:
        return "ok"
    if code in REFUSED or code == 401:
        return "refused"
    if code in {400, 409, 422}:
        # 409: the caller reached the record and the workflow refused the step for its state
        # (e.g. endorsing a certificate already issued); services check the role first.
        return "invalid"
    return f"status {code}"



def _other_agency_case(users: dict[str, User]) -> Any:
    from tiaki.cases import services

    return services.case_open(
        actor=users["socialworker"], languages=SENTINEL_LANGUAGE, nationality="Tonga",
        identity={"given_names": SENTINEL_NAME.split()[0],
                  "family_name": SENTINEL_NAME.split()[1]})


def _schema_operations(client: Client) -> dict[str, tuple[str, str, list[str]]]:
    schema = client.get("/api/schema").json()
    ops: dict[str, tuple[str, str, list[str]]] = {}
    for path, methods in schema["paths"].items():
        for method, op in methods.items():
            params = [p["name"] for p in op.get("parameters", []) if p["in"] == "path"]
            ops[op["operationId"]] = (method, path, params)
    return ops


DISCOVER = os.environ.get("MATRIX_DISCOVER") == "1"
# Steps only a record in a state the demo does not hold can take (every demo certificate is
# already decided, so endorsing or declining one is refused on its state for everyone).
NEEDS_PENDING = {"tiaki_cases_api_post_endorse", "tiaki_cases_api_post_decline",
                 # The demo's privacy request and breach are undecided: exporting, closing
                 # and notifying a person are refused on their state for everyone (403).
                 "tiaki_privacy_api_post_export", "tiaki_privacy_api_post_close",
                 "tiaki_privacy_api_post_person", "tiaki_privacy_api_post_breach_close"}


@pytest.mark.django_db
def test_authorisation_matrix(settings: Any, field_keys: None) -> None:
    settings.TIAKI_DEMO = True
    settings.TIAKI_POW_BITS = 4
    from tiaki.demo.orchestrate import load_demo

    started = time.perf_counter()
    users = {u.username: u for _, u in load_demo()}
    held = {r for u in users.values() for r in u.role_codes()}
    assert held == set(Role), f"no persona holds {set(Role) - held}"
    other_case = _other_agency_case(users)
    routes = page_routes()
    undeclared = sorted(set(routes) - set(PAGES))
    assert not undeclared, f"routes with no declared access: {undeclared}"
    stale = sorted(set(PAGES) - set(routes) - CONDITIONAL)
    assert not stale, f"declared routes that no longer exist: {stale}"
    ops = _schema_operations(Client())
    post_only: set[tuple[str, str]] = set()
    assert not (undeclared := sorted(set(ops) - set(API))), f"undeclared operations: {undeclared}"
    assert not (stale := sorted(set(API) - set(ops))), f"declared operations gone: {stale}"

    # Requests: (label, route, method, url, other-agency object?)
    requests: list[tuple[str, Route, str, str, bool]] = []
    for name, pattern in routes.items():
        route = PAGES[name]
        params = list(pattern.pattern.regex.groupindex)
        variants = [None, other_case] if route.case else [None]
        for variant in variants:
            kwargs = _fill(route, params=params, other_case=variant)
            url = reverse(name, kwargs=kwargs) if not name.startswith("^") else \
                "/static/" + kwargs["path"]
            requests.append((name, route, "get", url, variant is not None))
    for op_id, (method, path, params) in ops.items():
        route = API[op_id]
        variants = [None, other_case] if route.case else [None]
        for variant in variants:
            kwargs = _fill(route, params=params, other_case=variant)
            url = re.sub(r"{(\w+)}", lambda m, kw=kwargs: str(kw[m.group(1)]), path)
            if "?" in dict(route.extra):
                url += "?" + dict(route.extra)["?"]
            requests.append((op_id, route, method, url, variant is not None))

    failures: list[str] = []
    observed: dict[str, dict[str, set[str]]] = {}
    personas: list[tuple[str, User | None]] = [("anonymous", None), *users.items()]
    count = 0

    def check(username: str, user: User | None, label: str, route: Route, method: str,
              url: str, foreign: bool, response: Any) -> None:
        verdict = _verdict(response)
        where = f"{username} {method.upper()} {url} ({label})"
        if response.status_code >= 500:
            failures.append(f"{where}: server error {response.status_code}")
            return
        outsider = user is None or user.agency is None or user.agency.code != OTHER_AGENCY
        if response.status_code == 200 and outsider and not response.streaming:
            body = response.content.decode(errors="replace")
            leaked = [s for s in SENTINELS if s in body]
            if leaked:
                failures.append(f"{where}: other agency's data {leaked} in the body")
        if route.roles == PUBLIC:
            return
        if foreign:
            if outsider and verdict not in {"refused", "login", "method", "invalid"}:
                failures.append(f"{where}: another agency's case answered {verdict}")
            return
        if user is None:
            if verdict not in {"login", "refused"}:
                failures.append(f"{where}: anonymous got {verdict}")
            return
        if DISCOVER:
            observed.setdefault(f"{label} {method}", {}).setdefault(verdict, set()).add(
                f"{username}:{','.join(sorted(user.role_codes()))}")
            return
        assert isinstance(route.roles, frozenset), f"{label}: declaration still 'discover'"
        allowed = bool(user.role_codes() & route.roles)
        if not allowed and verdict not in {"refused", "method", "invalid"}:
            failures.append(f"{where}: declared refused, got {verdict}")
        elif allowed and method == "get" and not route.obj and verdict not in {"ok", "method"}:
            # A page with no object is open to every holder of the role; an object page
            # also depends on the case or investigation team (checked by each app's tests).
            failures.append(f"{where}: declared allowed, got {verdict}")
        if allowed and (verdict in {"ok", "method"} or (verdict == "invalid" and
                                                          (method != "get" or label in API))):
            used.add(label)

    used: set[str] = set()
    # Models the loaded data holds no row of: their routes are asked for a pk no row has.
    no_rows = {label for label, r in {**PAGES, **API}.items()
               if r.obj and not apps.get_model(r.obj).objects.exists()}
    spent: dict[str, float] = {}
    for phase in ("read", "write"):
        for username, user in personas:
            client = Client()
            if user is not None:
                login(client, user)
            for label, route, method, url, foreign in requests:
                if route.roles == PUBLIC and username not in {"anonymous", "secretariat"}:
                    continue  # open to all: the role cannot change the answer
                t0 = time.perf_counter()
                if phase == "read" and method == "get":
                    response = client.get(url)
                elif phase == "write" and method != "get":
                    response = client.generic(method.upper(), url, "{}", "application/json")
                elif (phase == "write" and route.roles != PUBLIC
                      and (username, url) in post_only):
                    # A form address that answers GET with 405: send it an empty form.
                    method = "post"
                    response = client.post(url, {})
                else:
                    continue
                count += 1
                spent[label] = spent.get(label, 0.0) + time.perf_counter() - t0
                if phase == "read" and response.status_code == 405:
                    post_only.add((username, url))
                check(username, user, label, route, method, url, foreign, response)
    if not DISCOVER:
        # Each declared grant is exercised by someone, so a declaration cannot go stale
        # while a route quietly refuses everyone.
        granted = {label for label, r in {**PAGES, **API}.items()
                   if isinstance(r.roles, frozenset) and r.roles}
        unused = sorted(granted - used - no_rows - NEEDS_PENDING)
        assert not unused, f"declared roles never managed to use: {unused}"
    elapsed = time.perf_counter() - started
    if DISCOVER:
        print(sorted(spent.items(), key=lambda kv: -kv[1])[:25])
        for label, verdicts in sorted(observed.items()):
            print(label, {k: sorted(v) for k, v in verdicts.items()})
    print(f"authorisation matrix: {count} requests, {len(requests)} addresses × "
          f"{len(personas)} personas, {elapsed:.1f} s")
    assert not failures, "\n".join(failures[:60]) + f"\n({len(failures)} failures)"
