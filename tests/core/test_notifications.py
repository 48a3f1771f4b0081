"""Notifications: unread count in the header, mark read, opening marks read, email per kind."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.urls import reverse

from tests.conftest import MakeUser, login
from tiaki.accounts.roles import Role
from tiaki.core.models import Notification
from tiaki.core.notifications import Kind
from tiaki.core.services import notification_email_set, notify

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(make_user: MakeUser) -> Any:
    return make_user("reader", "POLICE", [Role.INVESTIGATOR])


def test_header_counts_unread_and_opening_marks_read(client: Any, person: Any,
                                                     make_user: MakeUser) -> None:
    other = make_user("other", "POLICE", [Role.INVESTIGATOR])
    notify(recipients=[person, other], subject="Report R-1 assigned to you", url="/plan/",
           kind=Kind.REPORT)
    notify(recipients=[person], subject="Second notice")
    login(client, person)
    page = client.get(reverse("core:home")).content.decode()
    assert 'class="count">2<' in page

    mine = Notification.objects.get(recipient=person, subject__startswith="Report")
    response = client.get(reverse("core:notification_open", args=[mine.pk]))
    assert response.status_code == 302 and response["Location"] == "/plan/"
    mine.refresh_from_db()
    assert mine.read_at is not None and mine.kind == Kind.REPORT
    assert 'class="count">1<' in client.get(reverse("core:home")).content.decode()

    # Someone else's notification is not found, and stays unread.
    theirs = Notification.objects.get(recipient=other)
    assert client.get(reverse("core:notification_open", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("core:notification_read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_one_and_all_read(client: Any, person: Any) -> None:
    for n in range(3):
        notify(recipients=[person], subject=f"Notice {n}")
    login(client, person)
    first = Notification.objects.filter(recipient=person).first()
    assert first is not None
    client.post(reverse("core:notification_read", args=[first.pk]))
    assert Notification.objects.filter(recipient=person, read_at__isnull=True).count() == 2
    page = client.get(reverse("core:notifications")).content.decode()
    assert "Notice 0" in page or "Notice 1" in page
    response = client.post(reverse("core:notifications_read_all"))
    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=person, read_at__isnull=True).exists()
    assert "Nothing unread." in client.get(reverse("core:notifications")).content.decode()
    assert "Notice 2" in client.get(reverse("core:notifications") + "?show=all").content.decode()


def test_opening_never_redirects_off_site(client: Any, person: Any) -> None:
    notify(recipients=[person], subject="Odd link", url="https://evil.example/")
    login(client, person)
    note = Notification.objects.get(recipient=person)
    response = client.get(reverse("core:notification_open", args=[note.pk]))
    assert response["Location"] == reverse("core:notifications")


def test_email_follows_each_persons_choice_per_kind(client: Any, person: Any,
                                                    make_user: MakeUser,
                                                    django_capture_on_commit_callbacks: Any
                                                    ) -> None:
    other = make_user("colleague", "POLICE", [Role.INVESTIGATOR])
    login(client, person)
    # The page shows every kind on by default; unticking one turns its email off.
    page = client.get(reverse("core:notification_settings")).content.decode()
    assert page.count("checked") == len(Kind.values)
    wanted = {f"email-{kind}": "on" for kind in Kind.values if kind != Kind.REPORT}
    assert client.post(reverse("core:notification_settings"), wanted).status_code == 302

    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[person, other], subject="Report R-2 assigned", kind=Kind.REPORT)
        notify(recipients=[person, other], subject="Case C-1 team", kind=Kind.CASE)
    sent = {message.subject: message.to for message in mail.outbox}
    assert sent["[Tiaki] Report R-2 assigned"] == [other.email]
    assert sorted(sent["[Tiaki] Case C-1 team"]) == sorted([person.email, other.email])
    # The in-app notification is kept whatever the email choice.
    assert Notification.objects.filter(recipient=person, kind=Kind.REPORT).exists()

    # Turning it back on sends again.
    notification_email_set(user=person, kind=Kind.REPORT, email=True)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[person], subject="Report R-3 assigned", kind=Kind.REPORT)
    assert [m.to for m in mail.outbox] == [[person.email]]
