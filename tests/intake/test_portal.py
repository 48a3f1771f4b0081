"""The public reporting portal: submission, receipt, follow-up, abuse limits, bad input."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.intake.conftest import REPORT, challenge_from, receipt_from, solved, submit_report
from tiaki.accounts.models import Agency, User
from tiaki.audit.models import AuditEvent
from tiaki.core.models import Notification
from tiaki.intake import pow as proof
from tiaki.intake import receipts
from tiaki.intake.models import (
    Report,
    ReportAttachment,
    ReportMessage,
    SpentChallenge,
)

pytestmark = pytest.mark.django_db


def test_report_is_received_routed_and_receipt_shown_once(
        client: Client, agencies: dict[str, Agency]) -> None:
    response = submit_report(client)
    assert response.status_code == 200, response.content.decode()[:3000]
    code = receipt_from(response.content.decode())
    assert len(code) == 24 and code.count("-") == 4
    report = Report.objects.get()
    # The code itself is nowhere in the row: only the keyed digest and the scrypt hash.
    assert code.replace("-", "") not in str(Report.objects.values().get())
    assert report.lookup_digest == receipts.lookup_digest(code)
    assert receipts.verify(code, report.code_salt, report.code_hash)
    assert report.received_at.minute == 0 and report.received_at.second == 0
    assert {r.agency.code for r in report.routes.all()} == {"POLICE", "MBIE"}
    assert report.channel == "portal" and report.language == "en"
    assert {(t.kind, t.value) for t in report.tokens.all()} >= {
        ("phone", "0215550101"), ("vehicle", "ABC123"), ("name", "sione vake"),
        ("place", "orchard road packhouse hastings")}
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get(object_type="intake.report", action="create")
    assert event.actor_username == "" and event.changes["routed_to"] == ["POLICE", "MBIE"]


def test_replayed_proof_of_work_is_refused_and_nothing_stored(
        client: Client, agencies: dict[str, Agency]) -> None:
    page = client.get("/report/")
    token = challenge_from(page.content.decode())
    data = {**REPORT, "pow_token": token, "pow_nonce": solved(token)}
    assert client.post("/report/", data).status_code == 200
    again = client.post("/report/", data)
    assert again.status_code == 400
    assert "already sent" in again.content.decode()
    assert Report.objects.count() == 1 and SpentChallenge.objects.count() == 1


def test_wrong_or_forged_work_is_refused(client: Client, agencies: dict[str, Agency],
                                         settings: Any) -> None:
    settings.TIAKI_POW_BITS = 12
    page = client.get("/report/")
    token = challenge_from(page.content.decode())
    nonce = next(str(n) for n in range(10_000)
                 if not _ok(token, str(n), 12))
    bad = client.post("/report/", {**REPORT, "pow_token": token, "pow_nonce": nonce})
    assert bad.status_code == 400 and "security check" in bad.content.decode()
    forged = client.post("/report/", {**REPORT, "pow_token": token[:-3] + "xyz",
                                       "pow_nonce": solved(token)})
    assert forged.status_code == 400
    assert Report.objects.count() == 0


def _ok(token: str, nonce: str, bits: int) -> bool:
    import hashlib

    from tiaki.intake.pow import leading_zero_bits

    return leading_zero_bits(hashlib.sha256(f"{token}:{nonce}".encode()).digest()) >= bits


def test_without_javascript_the_form_works_after_waiting(
        client: Client, agencies: dict[str, Agency], settings: Any) -> None:
    settings.TIAKI_POW_WAIT_SECONDS = 3600
    token = challenge_from(client.get("/report/").content.decode())
    early = client.post("/report/", {**REPORT, "pow_token": token, "pow_nonce": ""})
    assert early.status_code == 400 and "wait 3600 seconds" in early.content.decode()
    # The same challenge is offered again, so the wait is not restarted.
    assert challenge_from(early.content.decode()) == token
    settings.TIAKI_POW_WAIT_SECONDS = 0
    late = client.post("/report/", {**REPORT, "pow_token": token, "pow_nonce": ""})
    assert late.status_code == 200 and Report.objects.count() == 1


def test_honeypot_refuses_with_a_clear_message(client: Client,
                                               agencies: dict[str, Agency]) -> None:
    response = submit_report(client, website="http://spam.example")
    assert response.status_code == 400
    assert "Leave this field empty" in response.content.decode()
    assert Report.objects.count() == 0 and SpentChallenge.objects.count() == 0


def test_malformed_fields_get_clear_messages(client: Client,
                                             agencies: dict[str, Agency]) -> None:
    response = submit_report(client, what_seen="", region="atlantis",
                             people="x" * 6000)
    html = response.content.decode()
    assert response.status_code == 400
    assert "This field is required." in html and "at most 5000 characters" in html
    assert Report.objects.count() == 0


def test_markup_is_stored_as_text_and_escaped(client: Client, agencies: dict[str, Agency],
                                              triage: dict[str, User]) -> None:
    from tests.conftest import login

    script = "<script>alert('x')</script><img src=x onerror=alert(1)>"
    submit_report(client, what_seen=script, people=script)
    report = Report.objects.get()
    assert report.what_seen == script
    staff = login(Client(), triage["police"])
    html = staff.get(f"/intake/triage/{report.pk}/").content.decode()
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html


def _jpeg_with_exif() -> bytes:
    exif = b"Exif\x00\x00" + b"GPS-SECRET-LOCATION-Canon-EOS-serial-12345"
    app1 = b"\xff\xe1" + (len(exif) + 2).to_bytes(2, "big") + exif
    comment = b"taken by Reporter Name"
    com = b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment
    jfif = b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    app0 = b"\xff\xe0" + (len(jfif) + 2).to_bytes(2, "big") + jfif
    dqt = b"\xff\xdb\x00\x43\x00" + bytes(range(64))
    sos = b"\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00" + b"\x12\x34\x56" + b"\xff\xd9"
    return b"\xff\xd8" + app0 + app1 + com + dqt + sos


def _png_with_text() -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body)))

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00\x00")
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"tEXt", b"Author\x00Reporter Name")
            + chunk(b"tIME", b"\x07\xea\x01\x01\x00\x00\x00")
            + chunk(b"IDAT", idat) + chunk(b"IEND", b""))


def test_attachments_are_stripped_of_metadata(client: Client,
                                              agencies: dict[str, Agency]) -> None:
    jpeg = SimpleUploadedFile("IMG_Reporter_Home.jpg", _jpeg_with_exif(), "image/jpeg")
    png = SimpleUploadedFile("screenshot.png", _png_with_text(), "image/png")
    response = submit_report(client, attachments=[jpeg, png])
    assert response.status_code == 200, response.content.decode()[:2000]
    stored = {a.content_type: a for a in ReportAttachment.objects.all()}
    jpeg_bytes = stored["image/jpeg"].read_bytes()
    png_bytes = stored["image/png"].read_bytes()
    assert b"GPS-SECRET" not in jpeg_bytes and b"Reporter Name" not in jpeg_bytes
    assert jpeg_bytes.startswith(b"\xff\xd8\xff\xe0") and b"\xff\xda" in jpeg_bytes
    assert b"Reporter Name" not in png_bytes and b"tIME" not in png_bytes
    assert b"IDAT" in png_bytes
    assert {a.label for a in stored.values()} == {"attachment-1.jpg", "attachment-2.png"}
    assert "Reporter" not in str(list(ReportAttachment.objects.values()))


def test_attachment_download_is_scoped_and_audited(
        client: Client, agencies: dict[str, Agency], triage: dict[str, User]) -> None:
    from tests.conftest import login

    note = SimpleUploadedFile("note.txt", b"van plate ABC123", "text/plain")
    submit_report(client, attachments=[note])
    attachment = ReportAttachment.objects.get()
    police = login(Client(), triage["police"])
    response = police.get(f"/intake/attachments/{attachment.pk}/")
    assert response.status_code == 200
    assert response.getvalue() == b"van plate ABC123"
    assert 'filename="attachment-1.txt"' in response["Content-Disposition"]
    assert AuditEvent.objects.filter(action="read", object_type="intake.reportattachment"
                                     ).count() == 1
    customs = login(Client(), triage["customs"])
    assert customs.get(f"/intake/attachments/{attachment.pk}/").status_code == 404


@pytest.mark.parametrize("name,content,reason", [
    ("doc.pdf", b"%PDF-1.4 hello", "application/pdf"),
    ("broken.jpg", b"\xff\xd8\xff\xe1\x00", "could not be read"),
    ("big.txt", b"a" * (1024 * 1024 + 1), "the limit is"),
    ("bin.dat", bytes(range(256)) * 4, "only PDF"),
])
def test_bad_attachments_are_refused_and_nothing_stored(
        client: Client, agencies: dict[str, Agency], settings: Any,
        name: str, content: bytes, reason: str) -> None:
    settings.TIAKI_REPORT_MAX_ATTACHMENT_BYTES = 1024 * 1024
    upload = SimpleUploadedFile(name, content, "application/octet-stream")
    response = submit_report(client, attachments=[upload])
    assert response.status_code == 400
    assert reason in response.content.decode()
    assert Report.objects.count() == 0 and ReportAttachment.objects.count() == 0
    assert SpentChallenge.objects.count() == 0


def test_too_many_attachments(client: Client, agencies: dict[str, Agency]) -> None:
    files = [SimpleUploadedFile(f"n{i}.txt", b"note", "text/plain") for i in range(4)]
    response = submit_report(client, attachments=files)
    assert response.status_code == 400 and Report.objects.count() == 0


def _open(client: Client, code: str, lang: str = "en") -> Any:
    page = client.get(f"/report/follow-up/?lang={lang}")
    token = challenge_from(page.content.decode())
    return client.post("/report/follow-up/", {"action": "open", "code": code, "lang": lang,
                                              "pow_token": token, "pow_nonce": solved(token)})


def test_reporter_reads_reply_and_adds_information(
        client: Client, agencies: dict[str, Agency], triage: dict[str, User]) -> None:
    from tiaki.intake.services import triage_assign, triage_reply

    code = receipt_from(submit_report(client).content.decode())
    report = Report.objects.get()
    triage_assign(report=report, actor=triage["police"], assignee=triage["police"])
    triage_reply(report=report, actor=triage["police"], body="Which street is the packhouse on?")
    triage_reply(report=report, actor=triage["police"], body="internal: check MBIE records",
                 internal=True)
    opened = _open(client, code.lower().replace("-", " "))
    html = opened.content.decode()
    assert opened.status_code == 200
    assert "Which street is the packhouse on?" in html
    assert "internal: check MBIE records" not in html
    token = html.split('name="token" value="')[1].split('"')[0]
    added = client.post("/report/follow-up/", {"action": "add", "token": token,
                                               "body": "Karamu Road, call 027 444 3333",
                                               "lang": "en"})
    assert added.status_code == 200
    assert "Your information was added" in added.content.decode()
    message = ReportMessage.objects.get(direction="from_reporter")
    assert message.body.startswith("Karamu Road") and message.author is None
    assert report.tokens.filter(kind="phone", value="0274443333").exists()
    # The assignee is told (in-app); the notification carries no report content.
    note = Notification.objects.get(recipient=triage["police"])
    assert "Karamu" not in note.subject + note.body


def test_wrong_codes_reveal_nothing_and_are_rate_limited(
        client: Client, agencies: dict[str, Agency]) -> None:
    code = receipt_from(submit_report(client).content.decode())
    wrong = _open(client, receipts.new_code())
    near = _open(client, code[:-1] + ("0" if code[-1] != "0" else "1"))
    for response in (wrong, near):
        assert response.status_code == 400
        assert "We could not open a report with that code" in response.content.decode()
    # The same wrong code five times, then even checking it is refused.
    bad = receipts.new_code()
    for _ in range(5):
        assert "could not open" in _open(client, bad).content.decode()
    assert "Too many attempts" in _open(client, bad).content.decode()
    malformed = _open(client, "not a code")
    assert "20 letters and numbers" in malformed.content.decode()
    assert _open(client, code).status_code == 200


def test_forged_or_expired_reporter_token_is_refused(
        client: Client, agencies: dict[str, Agency]) -> None:
    submit_report(client)
    response = client.post("/report/follow-up/", {"action": "add", "token": "forged",
                                                  "body": "hello"})
    assert response.status_code == 400
    assert "expired" in response.content.decode()
    assert ReportMessage.objects.count() == 0


def test_reporter_messages_are_rate_limited(client: Client, agencies: dict[str, Agency],
                                            settings: Any) -> None:
    settings.TIAKI_REPORTER_MESSAGES_PER_HOUR = 2
    code = receipt_from(submit_report(client).content.decode())
    html = _open(client, code).content.decode()
    token = html.split('name="token" value="')[1].split('"')[0]
    results = [client.post("/report/follow-up/", {"action": "add", "token": token,
                                                  "body": f"detail {i}"}) for i in range(3)]
    assert [r.status_code for r in results] == [200, 200, 400]
    assert "Too many attempts" in results[2].content.decode()
    assert ReportMessage.objects.count() == 2


def test_portal_is_public_and_sets_no_session(client: Client,
                                              agencies: dict[str, Agency]) -> None:
    response = client.get("/report/")
    assert response.status_code == 200
    assert "sessionid" not in response.cookies
    submit_report(client)
    assert "sessionid" not in client.cookies


def test_wrong_codes_make_look_ups_dearer_not_impossible(
        client: Client, agencies: dict[str, Agency], settings: Any) -> None:
    settings.TIAKI_RECEIPT_FAILURES_PER_MINUTE = 3
    code = receipt_from(submit_report(client).content.decode())
    base = proof.difficulty()
    for _ in range(4):
        _open(client, receipts.new_code())
    page = client.get("/report/follow-up/").content.decode()
    assert f'data-pow-bits="{base + 4}"' in page
    token = challenge_from(page)
    # A real code still opens the report, with the dearer work done.
    opened = client.post("/report/follow-up/", {
        "action": "open", "code": code, "pow_token": token,
        "pow_nonce": proof.solve(token, base + 4)})
    assert opened.status_code == 200 and 'id="thread"' in opened.content.decode()


def test_the_no_script_path_has_a_service_wide_budget(
        client: Client, agencies: dict[str, Agency], settings: Any) -> None:
    settings.TIAKI_POW_WAIT_SECONDS = 0
    settings.TIAKI_POW_WAIT_PATH_PER_MINUTE = 2
    statuses = []
    for _ in range(3):
        token = challenge_from(client.get("/report/").content.decode())
        statuses.append(client.post("/report/", {**REPORT, "pow_token": token,
                                                 "pow_nonce": ""}).status_code)
    assert statuses == [200, 200, 400]
    assert Report.objects.count() == 2
    # Scripted browsers (with the work done) are not held back by that budget.
    assert submit_report(client).status_code == 200


def test_no_network_identifier_is_stored_or_logged(
        agencies: dict[str, Agency], triage: dict[str, User], caplog: Any,
        capfd: Any) -> None:
    """The same scan as the browser test, without a browser: a distinctive address and
    agent are sent with every request of the whole flow, then looked for everywhere."""
    import logging

    from tests.conftest import login
    from tests.intake.conftest import DOTTED_QUAD, IPV6_LOOPBACK, every_stored_value
    from tiaki.intake.services import triage_reply

    caplog.set_level(logging.DEBUG)
    agent = "TiakiProbeAgent/9.9 (X11; Probe)"
    public = Client(REMOTE_ADDR="203.0.113.77", HTTP_USER_AGENT=agent,
                    HTTP_X_FORWARDED_FOR="198.51.100.23", HTTP_X_REAL_IP="2001:db8::7")
    code = receipt_from(submit_report(public).content.decode())
    report = Report.objects.get()
    triage_reply(report=report, actor=triage["police"], body="Any more details?")
    html = _open(public, code).content.decode()
    token = html.split('name="token" value="')[1].split('"')[0]
    public.post("/report/follow-up/", {"action": "add", "token": token, "body": "Blue van"})
    _open(public, receipts.new_code())  # a wrong code too
    staff = login(Client(REMOTE_ADDR="192.0.2.9", HTTP_USER_AGENT=agent), triage["police"])
    staff.get(f"/intake/triage/{report.pk}/")
    values = every_stored_value()
    assert any("Blue van" in text for _, text in values)
    for table, text in values:
        for needle in ("203.0.113.77", "198.51.100.23", "2001:db8::7", "192.0.2.9", agent,
                       "TiakiProbeAgent"):
            assert needle not in text, (table, needle)
        assert not DOTTED_QUAD.search(text), (table, text[:200])
        assert not IPV6_LOOPBACK.search(text), (table, text[:200])
    captured = capfd.readouterr()
    logged = "\n".join([captured.out, captured.err,
                        *(str(r.__dict__) for r in caplog.records)])
    assert "TiakiProbeAgent" not in logged and not DOTTED_QUAD.search(logged)
