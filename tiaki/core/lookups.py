"""``field__any_of=values``: a long list of values in one query parameter.

Django's ``__in`` prepares each value through the field and gives each its own placeholder;
for the 5,000 content fingerprints an ingest looks up per chunk that was a fifth of storing
it (preparing the values, then psycopg splitting a query of 5,000 placeholders on the client).
On PostgreSQL ``any_of`` is ``column = ANY(%s)`` with the list as one array parameter, which
the planner answers from the column's index like ``IN`` ("9.24.3. ANY/SOME (array)", the
PostgreSQL documentation); elsewhere it is a plain ``IN`` of the values as given. The values
are used as they are, so they must already be what the column stores (strings for a text
column, integers for a key).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db.models import Field, Lookup


@Field.register_lookup
class AnyOf(Lookup):
    lookup_name = "any_of"
    prepare_rhs = False

    # The parameters are Any: the array is one parameter, which the stubs do not foresee.
    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, Any]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = list(self.rhs)
        if not values:
            raise EmptyResultSet
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", (*lhs_params, values)
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", (*lhs_params, *values)
