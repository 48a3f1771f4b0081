"""Refusals shown to members of the public, in their language.

A ``PortalRefused`` is an ordinary ``Refused`` (English text for logs, the API and staff)
that also names the portal catalogue string to show instead, with its parameters.
"""

from __future__ import annotations

from tiaki.core.policy import Refused


class PortalRefused(Refused):
    def __init__(self, message: str, *, key: str, field: str = "", **params: object) -> None:
        super().__init__(message)
        self.key = key
        self.field = field
        self.params = params
