"""Only auditors (and administrators) search the audit trail."""

from typing import Any

from django.db import models

from tiaki.accounts.roles import Role
from tiaki.audit.models import AuditEvent
from tiaki.core.policy import Policy, register


@register
class AuditEventPolicy(Policy[AuditEvent]):
    model = AuditEvent

    def scope(
        self, user: Any, queryset: models.QuerySet[AuditEvent]
    ) -> models.QuerySet[AuditEvent]:
        if user.has_role(Role.AUDITOR, Role.ADMINISTRATOR):
            return queryset
        return queryset.none()
