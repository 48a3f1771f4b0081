"""Scheduled jobs are shown to, and managed by, platform administrators."""

from typing import Any

from django.db import models

from tiaki.accounts.roles import Role
from tiaki.core.policy import Policy, register
from tiaki.scheduling.models import ScheduledJob


@register
class ScheduledJobPolicy(Policy[ScheduledJob]):
    model = ScheduledJob

    def scope(self, user: Any,
              queryset: models.QuerySet[ScheduledJob]) -> models.QuerySet[ScheduledJob]:
        if user.has_role(Role.PLATFORM_ADMINISTRATOR):
            return queryset
        return queryset.none()
