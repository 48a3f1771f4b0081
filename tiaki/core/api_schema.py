"""What every API input shares: a body is a JSON object, a date is ``YYYY-MM-DD``, money is
a plain decimal. Each type says in the OpenAPI schema exactly what it accepts, so the schema a
client builds from and what the API does are the same thing.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any

from ninja import Schema
from pydantic import BaseModel, BeforeValidator, Field, WithJsonSchema, model_validator
from pydantic_core import PydanticCustomError

# django-ninja's own root validator (attribute lookup through DjangoGetter), which ours wraps.
_NINJA_ROOT: Any = Schema.__pydantic_decorators__.model_validators["_run_root_validator"].func

_JSON_TYPES = {str: "a string", list: "an array", bool: "true or false", int: "a number",
               float: "a number", type(None): "null"}


class InputSchema(Schema):
    """The base of every request body and of every object inside one.

    django-ninja's ``Schema`` reads its fields as attributes of whatever it is given (so it
    can take Django models), which let a body of ``"AAA"`` open an investigation titled
    "Aaa" (``str.title``) and a string stand in for a nested object whose fields all have
    defaults. Input is JSON, so only an object is an object.
    """

    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(cls, values: Any, handler: Any, info: Any) -> Any:
        # Same name as ninja's validator, so this one replaces it rather than running after.
        if not isinstance(values, dict | BaseModel):
            raise PydanticCustomError(
                "model_type", "Expected a JSON object ({{...}}), got {got}",
                {"got": _JSON_TYPES.get(type(values), type(values).__name__)})
        return _NINJA_ROOT.__func__(cls, values, handler, info)


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date(value: object) -> object:
    # pydantic also takes numbers (Unix time: 0 is 1970-01-01) and "20261203"; the schema
    # says format "date", which is YYYY-MM-DD and nothing else.
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise PydanticCustomError("date_format", "Give a date as YYYY-MM-DD, e.g. 2026-07-01")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]

_MONEY = r"^\d{1,10}(\.\d{1,2})?$"
_MONEY_MAX = 9_999_999_999


def _money(value: object) -> object:
    # A JSON number with cents would lose them to binary floating point on the way here,
    # so a number is whole dollars and an amount with cents is a string.
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer() and 0 <= value <= _MONEY_MAX:
            return int(value)
        raise PydanticCustomError(
            "decimal_type", "Give whole dollars as a number (0 to {max}), or an amount with "
            "cents as a string such as \"1500.50\"", {"max": _MONEY_MAX})
    if isinstance(value, str) and re.fullmatch(_MONEY, value):
        return value
    raise PydanticCustomError("decimal_parsing",
                              "Give an amount such as 1500 or \"1500.50\" (dollars and cents)")


# NZ dollars, never negative, to the cent.
Money = Annotated[
    Decimal, BeforeValidator(_money), Field(ge=0, max_digits=12, decimal_places=2),
    WithJsonSchema({"anyOf": [{"type": "integer", "minimum": 0, "maximum": _MONEY_MAX},
                              {"type": "string", "pattern": _MONEY}]}),
]
