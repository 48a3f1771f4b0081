"""One way to list records: pages, a search box, filters and sortable columns, from GET.

Every staff list declares a :class:`Listing` (its columns, what the search box looks in, its
filters, its default order) and hands it the policy-filtered queryset its selector returns.
The listing only ever narrows that queryset (search, filters, order, one page), so it can
never show a row the model's policy hides; the export of a list (``tiaki.core.exports``)
writes exactly the rows of the same narrowed queryset.

Everything comes from the query string (``q``, each filter's parameter, ``sort``, ``page``,
``per_page``), so lists work without JavaScript, a link reproduces a view of a list, and htmx
only swaps the list in place. Bad values fall back to the defaults rather than failing: a
stale bookmark still opens the list.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import Q, QuerySet
from django.http import HttpRequest, QueryDict
from django.utils.functional import Promise
from django.utils.translation import gettext as _

Label = str | Promise
Choices = Sequence[tuple[str, Label]]

PER_PAGE_CHOICES = (25, 50, 100, 200)
# Query-string keys the listing owns besides the filters'.
SEARCH, SORT, PAGE, PER_PAGE, EXPORT = "q", "sort", "page", "per_page", "export"


def _lookup(obj: Any, path: str) -> Any:
    value = obj
    for part in path.split("."):
        if value is None:
            return None
        value = getattr(value, part)
        if callable(value) and not isinstance(value, models.Model):
            value = value()
    return value


def _shown(value: Any) -> Any:
    """A cell as the generic table prints it (the template's filters do the rest)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) or "—"
    return value


@dataclass(frozen=True)
class Column:
    """One column of a list: its heading, how to read a cell, and how to sort by it.

    ``value`` is an attribute path (``"agency.code"``, ``"get_status_display"``: callables
    are called) or a function of the row. ``sort`` names the ORM fields the column sorts by;
    a column without them is not sortable (only whitelisted fields ever reach ``order_by``).
    ``link`` gives the cell's address in the generic table (``core/listing/table.html``).
    """

    key: str
    label: Label
    value: str | Callable[[Any], Any] = ""
    sort: tuple[str, ...] = ()
    link: Callable[[Any], str] | None = None
    export: bool = True

    def cell(self, obj: Any) -> Any:
        if callable(self.value):
            return self.value(obj)
        return _lookup(obj, self.value or self.key)


@dataclass(frozen=True)
class Filter:
    """A filter shown above the list: a GET parameter with a fixed set of choices.

    ``choices`` may be a function of the user (agencies, posts they work at). ``lookup``
    filters by field equality; ``apply`` does anything else with ``(queryset, value, user)``.
    The empty value means "all" unless ``default`` says otherwise; an unknown value counts as
    the default.
    """

    param: str
    label: Label
    choices: Choices | Callable[[Any], Choices]
    lookup: str = ""
    apply: Callable[[QuerySet[Any], str, Any], QuerySet[Any]] | None = None
    default: str = ""
    all_label: Label | None = None

    def options(self, user: Any) -> list[tuple[str, Label]]:
        choices = list(self.choices(user) if callable(self.choices) else self.choices)
        if self.all_label is not None:
            choices.insert(0, ("", self.all_label))
        return choices

    def narrow(self, queryset: QuerySet[Any], value: str, user: Any) -> QuerySet[Any]:
        if value == "":
            return queryset
        if self.apply is not None:
            return self.apply(queryset, value, user)
        return queryset.filter(**{self.lookup or self.param: value})


class CappedPaginator(Paginator):
    """A paginator that counts at most ``cap`` rows (``COUNT`` over a ``LIMIT``).

    Used where an exact count would scan a table that only grows (the audit trail); the
    list then says "more than N" and pages only through the first N rows.
    """

    def __init__(self, object_list: Any, per_page: int, *, cap: int | None = None) -> None:
        super().__init__(object_list, per_page)
        self.cap = cap

    @cached_property
    def count(self) -> int:
        if self.cap is None:
            return int(super().count)
        capped: Any = self.object_list[: self.cap + 1]
        return min(int(capped.count()), self.cap + 1)

    @property
    def capped(self) -> bool:
        return self.cap is not None and self.count > self.cap


@dataclass
class Listing:
    """What one list offers: see the module docstring.

    ``search`` lists the fields the search box looks in (``icontains`` unless a lookup is
    given, e.g. ``"reference__iexact"``); ``search_with`` replaces that for searches that are
    not plain field matches (a reference that is a number, an encrypted name). ``order``
    always ends with the primary key, so pages never overlap or skip rows.
    """

    name: str
    title: Label
    columns: Sequence[Column]
    default_sort: str
    search: Sequence[str] = ()
    search_label: Label = ""
    search_hint: Label = ""
    search_with: Callable[[QuerySet[Any], str, Any], QuerySet[Any]] | None = None
    filters: Sequence[Filter] = ()
    per_page: int = 50
    count_cap: int | None = None
    # Two lists on one page keep apart by prefixing their query-string keys ("log-page").
    prefix: str = ""

    def key(self, name: str) -> str:
        return f"{self.prefix}{name}"

    def column(self, key: str) -> Column | None:
        return next((c for c in self.columns if c.key == key), None)

    @property
    def searchable(self) -> bool:
        # Templates call callables, so ``search_with`` (a function) cannot be tested there.
        return bool(self.search) or self.search_with is not None

    def run(self, request: HttpRequest, queryset: QuerySet[Any], *,
            narrowed: dict[str, Any] | None = None) -> Listed:
        """Narrow ``queryset`` (already the policy's) by the request and take one page.

        ``narrowed`` names what the view itself already narrowed the queryset by (a page's
        own search form, such as the audit trail's), so an export's audit row records it.
        """
        params = request.GET
        user = request.user
        # PostgreSQL text cannot hold NUL, so a NUL typed or sent in a search is dropped.
        query = params.get(self.key(SEARCH), "").replace("\x00", "").strip()[:200]
        if query:
            queryset = self._searched(queryset, query, user)
        values: dict[str, str] = {}
        # Each filter's choices are read once a request: the form above the list shows the
        # same ones (a filter of the user's posts or agencies is a query).
        options: dict[str, list[tuple[str, Label]]] = {}
        for spec in self.filters:
            options[spec.param] = spec.options(user)
            value = params.get(self.key(spec.param), spec.default)
            if value not in {code for code, _ in options[spec.param]} and value != "":
                value = spec.default
            values[spec.param] = value
            queryset = spec.narrow(queryset, value, user)
        sort = self._sort(params.get(self.key(SORT), ""))
        queryset = queryset.order_by(*self._order(sort))
        try:
            per_page = int(params.get(self.key(PER_PAGE), self.per_page))
        except ValueError:
            per_page = self.per_page
        if per_page not in PER_PAGE_CHOICES:
            per_page = self.per_page
        paginator = CappedPaginator(queryset, per_page, cap=self.count_cap)
        page = paginator.get_page(params.get(self.key(PAGE)))
        return Listed(listing=self, request=request, queryset=queryset, page=page,
                      query=query, values=values, sort=sort, per_page=per_page,
                      narrowed=dict(narrowed or {}), options=options)

    def _searched(self, queryset: QuerySet[Any], query: str, user: Any) -> QuerySet[Any]:
        if self.search_with is not None:
            return self.search_with(queryset, query, user)
        rule = Q()
        for name in self.search:
            lookup = name if "__" in name else f"{name}__icontains"
            rule |= Q(**{lookup: query})
        return queryset.filter(rule) if self.search else queryset

    def _sort(self, wanted: str) -> str:
        column = self.column(wanted.removeprefix("-"))
        if column is None or not column.sort:
            return self.default_sort
        return wanted

    def _order(self, sort: str) -> list[str]:
        column = self.column(sort.removeprefix("-"))
        fields = list(column.sort) if column is not None else []
        if sort.startswith("-"):
            fields = [f.removeprefix("-") if f.startswith("-") else f"-{f}" for f in fields]
        tiebreak = "-pk" if sort.startswith("-") else "pk"
        return [*fields, tiebreak]


@dataclass
class Listed:
    """One page of a list as the request asked for it, and the whole narrowed queryset."""

    listing: Listing
    request: HttpRequest
    queryset: QuerySet[Any]
    page: Page[Any]
    query: str
    values: dict[str, str]
    sort: str
    per_page: int
    narrowed: dict[str, Any] = field(default_factory=dict)
    # Each filter's choices as ``run`` read them (by parameter, unprefixed).
    options: dict[str, list[tuple[str, Label]]] = field(default_factory=dict)
    rows: list[Any] = field(init=False)

    def __post_init__(self) -> None:
        self.rows = list(self.page.object_list)

    @property
    def total(self) -> int:
        return int(self.page.paginator.count)

    @property
    def capped(self) -> bool:
        paginator = self.page.paginator
        return isinstance(paginator, CappedPaginator) and paginator.capped

    @property
    def cap(self) -> int | None:
        return self.listing.count_cap

    @property
    def first(self) -> int:
        return int(self.page.start_index())

    @property
    def last(self) -> int:
        return int(self.page.end_index())

    @property
    def export_requested(self) -> str:
        return self.request.GET.get(self.listing.key(EXPORT), "")

    def params(self, **changes: Any) -> QueryDict:
        """The current query string with ``changes`` (None or "" drops a key); changing
        anything but the page goes back to the first page. Keys are given unprefixed."""
        key_of = self.listing.key
        query = self.request.GET.copy()
        query.pop(key_of(EXPORT), None)
        if PAGE not in changes:
            query.pop(key_of(PAGE), None)
        for name, value in changes.items():
            key = key_of(name)
            if value is None or value == "":
                query.pop(key, None)
            else:
                query[key] = str(value)
        return query

    def url(self, **changes: Any) -> str:
        return "?" + self.params(**changes).urlencode()

    def filter_state(self) -> dict[str, str]:
        """What narrowed the list, for the audit row of an export."""
        state = {k: str(v) for k, v in self.narrowed.items() if v not in ("", None)}
        state.update({k: v for k, v in self.values.items() if v})
        if self.query:
            state[SEARCH] = self.query
        state[SORT] = self.sort
        return state

    def headers(self) -> list[dict[str, Any]]:
        """Each column's heading, with the link that sorts by it and its current order."""
        out = []
        current = self.sort.removeprefix("-")
        descending = self.sort.startswith("-")
        for column in self.listing.columns:
            entry: dict[str, Any] = {"key": column.key, "label": column.label, "url": "",
                                     "aria_sort": ""}
            if column.sort:
                if column.key == current:
                    entry["aria_sort"] = "descending" if descending else "ascending"
                    entry["url"] = self.url(sort=column.key if descending else f"-{column.key}")
                else:
                    entry["url"] = self.url(sort=column.key)
            out.append(entry)
        return out

    def filters(self) -> list[dict[str, Any]]:
        user = self.request.user
        return [{"param": self.listing.key(f.param), "label": f.label,
                 "value": self.values.get(f.param, ""),
                 "options": self.options[f.param] if f.param in self.options
                 else f.options(user)} for f in self.listing.filters]

    def page_links(self) -> list[dict[str, Any]]:
        """First, last, and the pages near the current one (a gap is ``number=None``)."""
        number = self.page.number
        count = self.page.paginator.num_pages
        wanted = sorted({1, count, *range(max(1, number - 2), min(count, number + 2) + 1)})
        links: list[dict[str, Any]] = []
        previous = 0
        for n in wanted:
            if n - previous > 1:
                links.append({"number": None})
            links.append({"number": n, "url": self.url(page=n), "current": n == number})
            previous = n
        return links

    def cells(self) -> list[list[dict[str, Any]]]:
        """The page's rows as cells, for the generic table."""
        return [[{"value": _shown(c.cell(row)), "url": c.link(row) if c.link else ""}
                 for c in self.listing.columns] for row in self.rows]

    @property
    def previous_url(self) -> str:
        return self.url(page=self.page.previous_page_number()) if self.page.has_previous() else ""

    @property
    def next_url(self) -> str:
        return self.url(page=self.page.next_page_number()) if self.page.has_next() else ""

    @property
    def total_display(self) -> str:
        return f"{self.listing.count_cap:,}" if self.capped else f"{self.total:,}"

    @property
    def csv_url(self) -> str:
        return self.url(**{EXPORT: "csv"})

    @property
    def xlsx_url(self) -> str:
        return self.url(**{EXPORT: "xlsx"})

    def hidden(self) -> list[tuple[str, str]]:
        """Sort and page size, kept when the search form is sent again, and whatever the
        view narrowed the list by from the query string (another list's search that this
        one follows), so the form does not drop it."""
        kept = [(key, self.request.GET[key]) for key in self.narrowed
                if key in self.request.GET and not key.startswith(self.listing.prefix or "\0")]
        if self.sort != self.listing.default_sort:
            kept.append((self.listing.key(SORT), self.sort))
        if self.per_page != self.listing.per_page:
            kept.append((self.listing.key(PER_PAGE), str(self.per_page)))
        return kept

    @property
    def search_name(self) -> str:
        return self.listing.key(SEARCH)

    @property
    def dom_id(self) -> str:
        return f"listing-{self.listing.name}"
