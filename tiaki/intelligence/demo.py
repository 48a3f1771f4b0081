"""Demo intelligence for the horticulture labour-exploitation story (everything invented).

MBIE's analyst (``analyst``) and Police's senior officer (``senior``) hold the HTX and
PARTNER caveats; Customs' analyst (``customs_analyst``) holds none, so the HTX reports, their
entities and every package made from them are invisible to them. Two HTX reports name the
labour-hire contractor twice (once misspelt, a candidate to merge), his company twice, a
recruiter in Samoa whose phone leads to the contractor, and a worker who must be withheld
from any partner; one unmarked report is open to every New Zealand analyst.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from tiaki.intelligence import services, sharing, watchlist
from tiaki.intelligence.grading import default_paths, grading_load
from tiaki.intelligence.models import Caveat, CaveatGrant, GradingScheme, Report

TITLE = "Contractor holds RSE workers' passports (demo)"
PACKAGE_PURPOSE = "Samoan police are looking into the Apia recruiter's placement fees (demo)"
PHONE = "+64 21 555 0199"
RECRUITER_PHONE = "+685 77 55501"


def _boss(report: Report) -> str:
    return str(report.entities.get(caption="Boss Example").ftm_id)


def demo_loaded() -> bool:
    return Report.objects.filter(title=TITLE).exists()


def demo_intelligence(users: dict[str, Any]) -> Report | None:
    if demo_loaded():
        return None
    analyst, senior = users["analyst"], users["senior"]
    grading_load(paths=default_paths())
    now = timezone.now()
    with transaction.atomic():
        for code in ("HTX", "PARTNER"):
            caveat = Caveat.objects.get(code=code)
            for user in (analyst, senior):
                CaveatGrant.objects.get_or_create(user=user, caveat=caveat,
                                                  defaults={"granted_by": users["admin"]})
        requirement = services.requirement_create(
            actor=analyst, code="CR-HORT-1", priority=1, owner=analyst,
            title="Labour exploitation of seasonal workers in horticulture",
            description="Contractors and recruiters of RSE workers; debt, passports held.",
            review_on=(now + dt.timedelta(days=120)).date(), recent_days=60)
        uk = GradingScheme.objects.get(code="uk-3x5x2")
        htx = list(Caveat.objects.filter(code="HTX"))
        first = services.report_create(
            actor=analyst, title=TITLE, scheme=uk, source_grade="2", information_grade="B",
            handling_code="C", release=Report.Release.PARTNERS, partners=["AU", "WS"],
            tlp=Report.TLP.AMBER, caveats=htx, requirements=[requirement],
            created_at=now - dt.timedelta(days=20),
            text="A labour-hire contractor supplying a Hawke's Bay apple orchard keeps the "
                 "passports of six Samoan seasonal workers in his office safe and deducts a "
                 "growing 'recruitment debt' from their wages. (Synthetic demo.)")
        services.entity_add(actor=analyst, report=first, schema="Person", properties={
            "name": "Boss Example", "firstName": "Boss", "lastName": "Example",
            "birthDate": "1975-06-14", "nationality": "nz", "phone": PHONE,
            "idNumber": "NZ-DL-000000"})
        company = services.entity_add(actor=analyst, report=first, schema="Company",
                                      properties={"name": "Demo Orchards Ltd",
                                                  "jurisdiction": "nz"})
        worker = services.entity_add(actor=analyst, report=first, schema="Person", properties={
            "name": "Tavita Example", "nationality": "ws"})
        services.entity_add(actor=analyst, report=first, schema="Passport", properties={
            "number": "XA0000101", "country": "ws", "holder": worker.ftm_id})
        services.entity_add(actor=analyst, report=first, schema="Employment", properties={
            "employer": company.ftm_id, "employee": _boss(first), "role": "Labour contractor"})
        second = services.report_create(
            actor=analyst, title="Recruiter in Apia charges placement fees (demo)", scheme=uk,
            source_grade="2", information_grade="C", handling_code="P",
            release=Report.Release.PARTNERS, partners=["AU", "WS"], tlp=Report.TLP.AMBER,
            caveats=htx, requirements=[requirement], created_at=now - dt.timedelta(days=6),
            text="A recruiter in Apia charges workers placement fees for orchard work in "
                 "New Zealand and calls the contractor's phone weekly. (Synthetic demo.)")
        recruiter = services.entity_add(actor=analyst, report=second, schema="Person",
                                        properties={"name": "Recruiter Sample",
                                                    "nationality": "ws",
                                                    "phone": RECRUITER_PHONE})
        again = services.entity_add(actor=analyst, report=second, schema="Person", properties={
            "name": "Bos Example", "firstName": "Bos", "lastName": "Example",
            "birthDate": "1975-06-14", "nationality": "nz", "phone": PHONE})
        services.entity_add(actor=analyst, report=second, schema="Associate", properties={
            "person": recruiter.ftm_id, "associate": again.ftm_id,
            "relationship": "Supplies workers"})
        services.entity_add(actor=analyst, report=second, schema="Company", properties={
            "name": "Demo Orchards Limited", "jurisdiction": "nz"})
        # Awaiting a senior officer's approval (Plan item 6): nothing goes until one does.
        authority = sharing.rules().partner("WS")
        if authority is not None:
            sharing.package_create(actor=analyst, partner="WS", purpose=PACKAGE_PURPOSE,
                                   authority=authority.authorities[0], reports=[second])
        # The contractor at the border (seed 003 item 5), until the intelligence is reviewed.
        today = timezone.localdate()
        watchlist.watchlist_nominate(
            actor=analyst, entity=first.entities.get(caption="Boss Example"),
            reason="Holds RSE workers' passports; stop and refer on arrival (demo)",
            expires_on=today + dt.timedelta(days=90), today=today)
        services.report_create(
            actor=analyst, title="Visa applications sponsored by orchards (demo)", scheme=uk,
            source_grade="1", information_grade="A", handling_code="P",
            release=Report.Release.NZ, tlp=Report.TLP.GREEN, requirements=[requirement],
            created_at=now - dt.timedelta(days=2),
            text="Seasonal-work visa applications this season, by sponsoring employer. "
                 "(Synthetic demo.)")
    return first
