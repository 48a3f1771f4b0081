"""Reading back a list's exports in tests: CSV and XLSX rows, and the export's audit row."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import openpyxl

from tiaki.audit.models import AuditEvent


def csv_rows(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def xlsx_rows(body: bytes) -> list[tuple[Any, ...]]:
    sheet = openpyxl.load_workbook(io.BytesIO(body), read_only=True).active
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def export_count() -> int:
    return AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).count()


def last_export() -> AuditEvent:
    event = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).order_by("-pk").first()
    assert event is not None, "the export wrote no audit row"
    return event


def summary(body: str) -> str:
    """The list's "1–50 of 81" line (or "Nothing matches."), from the first list on a page."""
    match = re.search(r'class="listing-summary"[^>]*>\s*([^<·]*)', body)
    assert match is not None, "no list summary on the page"
    return match.group(1).strip()
