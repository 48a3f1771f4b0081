"""Home-page cards for investigations and their tasks (tiaki.core.home)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tiaki.core.home import Card, register
from tiaki.core.policy import visible
from tiaki.investigations import selectors
from tiaki.investigations.models import Investigation, Task

LIST_ROLES = ("investigator", "senior_officer", "intelligence_analyst")


@register
def cards(user: Any) -> list[Card]:
    if not user.has_role(*LIST_ROLES):
        return []
    found = [Card(_("Investigations"), reverse("investigations:list"),
                  _("Open investigations you are part of or supervise."),
                  count=selectors.investigations_for(user, "", "open").count(), order=25)]
    tasks = Task.objects.filter(owner=user, status=Task.Status.OPEN,
                                investigation__in=visible(user, Investigation))
    due = tasks.count()
    if due:
        late = tasks.filter(due_on__lt=timezone.localdate()).count()
        found.append(Card(_("Your investigation tasks"), reverse("investigations:list"),
                          _("Open tasks you own; %(late)s past their due date.")
                          % {"late": late}, count=due,
                          order=13, urgent=late > 0))
    return found
