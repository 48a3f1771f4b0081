"""Synthetic border-screening data for demo installs: a watchlist, register entries, a
published risk profile and a passenger list that raises alerts. Everything is invented; it
is safe to run again (every step is idempotent).

Called by the demo loader with the demo users keyed by username (``analyst`` writes the
profile and the lists; ``customs`` works the Auckland queue).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tiaki.accounts.models import User
from tiaki.screening import services
from tiaki.screening.loader import posts_ensure
from tiaki.screening.models import Alert, IngestBatch, Post, RiskProfile

WATCHLIST_CSV = (
    "id,full_name,date_of_birth,sex,nationality,document_number,document_country,phone\n"
    "DW-1,Viktor Demoenko,1975-04-12,M,XXA,,,\n"
    "DW-2,Siosaia Example,1980,M,TON,,,+676 555 0199\n"
    "DW-3,Lina Testova,1988-09-30,F,XXB,XB0001234,XXB,\n"
)
REGISTER_CSV = (
    "document_number,issuer,doc_type,status,reference\n"
    "XA7000123,XXA,P,stolen,DEMO-SLTD-1\n"
    "LA0000999,NZL,P,lost,DEMO-DIA-7\n"
)
# A PAXLST passenger list (WCO/IATA API layout) for an invented flight into Auckland.
PAXLST = (
    "UNA:+.? 'UNB+UNOA:4+DEMOAIR:ZZ+NZCS:ZZ+260301:0900+DEMO0001++APIS'"
    "UNG+PAXLST+DEMO AIRLINES+NZCS+260301:0900+1+UN+D:02B'"
    "UNH+D1+PAXLST:D:02B:UN:IATA+ZZ0123/260301/0900+01:F'BGM+745'"
    "NAD+MS+++DEMO AIR OPS'TDT+20+ZZ123+++ZZ'LOC+125+XXX'DTM+189:2603010100:201'"
    "LOC+87+AKL'DTM+232:2603011200:201'"
    "NAD+FL+++DEMOENKO:VIKTOR'ATT+2++M'DTM+329:750412'NAT+2+XXA'"
    "DOC+P+XA7OOO123'DTM+36:310101'LOC+91+XXA'"
    "NAD+FL+++SAMPLE:MALI'ATT+2++F'DTM+329:090301'NAT+2+XXB'"
    "DOC+P+XB5550001'DTM+36:300101'LOC+91+XXB'"
    "NAD+FL+++PERSON:ORDINARY'ATT+2++F'DTM+329:700101'NAT+2+NZL'"
    "DOC+P+LA1234567'DTM+36:300101'LOC+91+NZL'"
    "CNT+42:3'UNT+28+D1'UNE+1+1'UNZ+1+DEMO0001'"
)
PROFILE_NAME = "Demo: young travellers on recruiter-arranged routes"


def demo_screening(users: dict[str, Any]) -> int:
    """Load the demo lists, profile and passenger list; returns the number of open alerts."""
    analyst, officer = users["analyst"], users["customs"]
    posts_ensure()
    services.watchlist_import(actor=analyst, data=WATCHLIST_CSV.encode(),
                              file_name="demo-watchlist.csv", list_name="Demo watchlist",
                              reason="Synthetic entries for the demonstration install")
    services.lost_documents_import(actor=analyst, data=REGISTER_CSV.encode(),
                                   file_name="demo-register.csv")
    if not RiskProfile.objects.filter(name=PROFILE_NAME).exists():
        profile = services.profile_create(
            actor=analyst, name=PROFILE_NAME,
            description="Invented example: minors from the demo states arriving in Auckland.",
            expression='age < 18 and nationality in ["XXA", "XXB"] and arrival_port == "AKL"')
        services.profile_test_add(actor=analyst, profile=profile, label="17, XXB, Auckland",
                                  facts="age: 17\nnationality: XXB\narrival_port: AKL",
                                  must_hit=True)
        services.profile_test_add(actor=analyst, profile=profile, label="adult",
                                  facts="age: 30\nnationality: XXB\narrival_port: AKL",
                                  must_hit=False)
        version = profile.latest()
        assert version is not None
        services.profile_publish(actor=analyst, version=version)
    outcome = services.ingest_file(actor=officer, data=PAXLST.encode(),
                                   file_name="demo-ZZ123-AKL.edi", screen=False)
    if outcome.batch.added_count:
        services.batch_screen(batch=outcome.batch)
    return Alert.objects.filter(disposition__isnull=True).count()


def demo_posts(users: dict[str, User], assignments: Mapping[str, str]) -> None:
    """Put the border personas on their posts' queues, once (an administrator's step).

    ``assignments`` maps a username to the code of the post whose queue they work.
    """

    posts_ensure()
    for username, code in assignments.items():
        user = users[username]
        if not user.border_posts.exists():
            services.post_membership_set(actor=users["admin"], user=user,
                                posts=[Post.objects.get(code=code)])


# Invented visa applications for the visa officer's queue: the first names the demo
# watchlist's DW-3 entry (tiaki/screening/demo.py), so it raises an alert at INZ-VISA.
VISA_APPLICATIONS_CSV = (
    "application_id,family_name,given_names,date_of_birth,nationality,document_number,"
    "employer_name\n"
    "DEMO-V-1,Testova,Lina,1988-09-30,XXB,XB0001234,Example Beauty Services Ltd\n"
    "DEMO-V-2,Sample,Ordinary,1992-02-02,XXA,XA0000777,Demo Orchards Ltd\n"
)
VISA_FILE_NAME = "demo-visa-applications.csv"


def demo_visa_applications(users: dict[str, User]) -> None:
    """The visa officer ingests a day's applications and they are screened, once."""

    if IngestBatch.objects.filter(file_name=VISA_FILE_NAME).exists():
        return
    outcome = services.ingest_file(actor=users["visa"], data=VISA_APPLICATIONS_CSV.encode(),
                          file_name=VISA_FILE_NAME, kind="visa_application", screen=False)
    if outcome.batch.added_count:
        services.batch_screen(batch=outcome.batch)


def demo_border_report(users: dict[str, Any]) -> None:
    """One watchlist alert reported as suspected trafficking by the Customs officer, so the
    demo shows the hand-off: a triage item for Police and MBIE, whose investigators are
    told and may open that alert (the other alerts stay open for the officers to work)."""
    if Alert.objects.filter(disposition__outcome="trafficking").exists():
        return
    alert = (Alert.objects.filter(source=Alert.Source.WATCHLIST, disposition__isnull=True)
             .order_by("pk").first())
    if alert is None:
        return
    services.alert_dispose(
        actor=users["customs"], alert=alert, outcome="trafficking",
        note="Travelling with three young workers whose passports he holds; says he "
             "arranged their jobs and their debts. (Synthetic demo.)")
