"""One export mechanism for every table: CSV and XLSX of exactly the rows a list shows.

A list's export is the same list asked for with ``?export=csv`` (or ``xlsx``): the same
policy-filtered queryset narrowed by the same search, filters and order
(``tiaki.core.listing``), every row rather than one page. Tables that are not listings (the
Plan dashboard, the measures pages) hand over their rows as a :class:`Table`.

Every export writes one audit row (action ``export``) in the same transaction as the file is
built, naming who took which rows under which filters, as the certificate PDF download does
(``cases.services.certification.certificate_pdf_export``). A file whose row cannot be
written is not sent.

Spreadsheet programs run a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and tab or
carriage return) as a formula (OWASP, "CSV Injection"), so such text cells are prefixed with
an apostrophe in CSV; in XLSX they are stored as text cells, which Excel never evaluates.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import slugify
from django.utils.translation import gettext as _

from tiaki.audit.reads import MAX_REFERENCES, reference_of
from tiaki.audit.services import Action, audit_record, object_label
from tiaki.core.listing import Listed

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def max_rows() -> int:
    return int(getattr(settings, "TIAKI_EXPORT_MAX_ROWS", 100_000))


@dataclass
class Table:
    """A table to export that is not a listing: a heading per column and the rows."""

    name: str
    title: str
    headers: Sequence[Any]
    rows: Iterable[Sequence[Any]]
    model: type[models.Model] | None = None
    references: Sequence[str] = ()
    filters: dict[str, Any] | None = None


def plain(value: Any) -> Any:
    """A cell value both writers take: text, a number, a naive local date or time."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None, microsecond=0)
    if isinstance(value, int | float | Decimal | dt.date):
        return value
    if isinstance(value, list | tuple | set):
        return ", ".join(str(plain(v)) for v in value)
    if isinstance(value, models.Model | Promise):
        return str(value)
    return str(value)


def neutralised(value: Any) -> Any:
    """A CSV cell that no spreadsheet will run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(headers: Sequence[Any], rows: Iterable[Sequence[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([neutralised(plain(h)) for h in headers])
    for row in rows:
        cells = []
        for cell in row:
            value = plain(cell)
            if isinstance(value, dt.datetime):
                value = value.isoformat(sep=" ")
            elif isinstance(value, dt.date):
                value = value.isoformat()
            cells.append(neutralised(value))
        writer.writerow(cells)
    # A byte-order mark so spreadsheet programs read the file as UTF-8 (macrons, other scripts).
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(title: str, headers: Sequence[Any], rows: Iterable[Sequence[Any]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=_sheet_title(title))
    bold = Font(bold=True)
    heading = []
    for h in headers:
        cell = WriteOnlyCell(sheet, value=str(plain(h)))
        cell.font = bold
        heading.append(cell)
    sheet.append(heading)
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=plain(value))
            if cell.data_type == "f":  # text that openpyxl took for a formula stays text
                cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_title(title: str) -> str:
    # Excel's limits: 31 characters, none of []:*?/\ .
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in str(title)).strip()
    return (cleaned or "Export")[:31]


def export_table(*, actor: Any, table: Table, fmt: str) -> HttpResponse:
    """Build the file for ``table`` and write its audit row; both or neither."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    with transaction.atomic():
        rows = [list(row) for row in table.rows]
        data = (to_csv(table.headers, rows) if fmt == "csv"
                else to_xlsx(str(table.title), table.headers, rows))
        references = list(table.references)
        audit_record(
            actor=actor, action=Action.EXPORT,
            object_type=object_label(table.model) if table.model is not None else "",
            summary=f"{table.title} exported as {fmt.upper()}: {len(rows)} rows",
            changes={"format": fmt, "list": table.name, "rows": len(rows), "bytes": len(data),
                     "filters": table.filters or {},
                     "references": references[:MAX_REFERENCES]},
        )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = HttpResponse(data, content_type=FORMATS[fmt])
    response["Content-Disposition"] = (
        f'attachment; filename="{slugify(table.name) or "export"}-{stamp}.{fmt}"')
    response["Cache-Control"] = "no-store"
    return response


def listed_table(listed: Listed) -> Table:
    """Every row of a list under its current search, filters and order."""
    listing = listed.listing
    columns = [c for c in listing.columns if c.export]
    rows: list[list[Any]] = []
    references: list[str] = []
    for obj in listed.queryset.iterator(chunk_size=2000):
        rows.append([column.cell(obj) for column in columns])
        references.append(reference_of(obj))
    return Table(name=listing.name, title=str(listing.title),
                 headers=[c.label for c in columns], rows=rows,
                 model=listed.queryset.model, references=references,
                 filters=listed.filter_state())


def export_response(request: HttpRequest, listed: Listed) -> HttpResponse | None:
    """The export a list was asked for (``?export=csv|xlsx``), or None to show the page.

    An export larger than ``TIAKI_EXPORT_MAX_ROWS`` is refused with the reason on the list.
    """
    fmt = listed.export_requested
    if fmt not in FORMATS:
        return None
    if listed.capped or listed.total > max_rows():
        messages.error(request, _("This list has more than %(n)s rows: narrow the search or "
                                  "filters to export it.") % {"n": f"{max_rows():,}"})
        return HttpResponseRedirect(listed.url(page=listed.page.number))
    return export_table(actor=request.user, table=listed_table(listed), fmt=fmt)


def table_response(request: HttpRequest, table: Table) -> HttpResponse | None:
    """The export of a table that is not a listing, when ``?export=`` asks for one."""
    fmt = request.GET.get("export", "")
    if fmt not in FORMATS:
        return None
    return export_table(actor=request.user, table=table, fmt=fmt)
