"""The risk-profile language: small, safe boolean rules over a traveller's facts.

Seed 002, item 9 asks for "a repertoire of profiles and alerts" that analysts keep under
"periodic review"; GTAS (the reference system named in issue 5) lets analysts write such
rule criteria themselves. Rules are data written by people, so they are never handed to
Python's ``eval``: this module tokenises and parses them into a tree of closures over a
whitelist of fields and functions (docs/decisions/0005-risk-profile-language.md).

Grammar (lowest precedence first)::

    expr       := and_expr ("or" and_expr)*
    and_expr   := not_expr ("and" not_expr)*
    not_expr   := "not" not_expr | comparison
    comparison := operand (("==" | "!=" | "<" | "<=" | ">" | ">=" | "in" | "not in") operand)?
    operand    := NUMBER | STRING | true | false | null | "[" literals "]" | FIELD
                | FUNCTION "(" expr ("," expr)* ")" | "(" expr ")"

Example: ``nationality in ["AAA", "BBB"] and age < 21 and startswith(employer, "Golden")``.
A missing fact (``null``) makes every comparison false except ``== null`` / ``!= null``,
so ``age < 21`` never fires for a traveller whose age is unknown (``not (age >= 21)`` does:
analysts are told to write the positive form).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

MAX_LENGTH = 4000
MAX_DEPTH = 40
MAX_LIST = 500

# Field name -> (type, meaning). Types: "str", "num", "bool", "list".
FIELDS: dict[str, tuple[str, str]] = {
    "kind": ("str", 'record kind: "traveller" or "visa_application"'),
    "role": ("str", 'traveller role from the passenger list, e.g. "passenger", "crew"'),
    "full_name": ("str", "full name in Latin letters (transliterated)"),
    "family_name": ("str", "family name"),
    "given_names": ("str", "given names"),
    "sex": ("str", '"M", "F" or "X"'),
    "age": ("num", "age in whole years on the day of arrival (or today)"),
    "birth_year": ("num", "year of birth"),
    "nationality": ("str", "nationality, ISO 3166 alpha-3"),
    "document_type": ("str", 'travel document type, e.g. "P" passport'),
    "document_number": ("str", "travel document number as given"),
    "document_issuer": ("str", "issuing state, alpha-3"),
    "document_expiry_days": ("num", "days from arrival (or today) to document expiry"),
    "mrz_valid": ("bool", "machine-readable zone present and its check digits agree"),
    "carrier": ("str", "carrier of the first flight leg"),
    "flight_number": ("str", "flight number of the first leg"),
    "departure_port": ("str", "first port of departure (IATA code)"),
    "arrival_port": ("str", "last port of arrival (IATA code)"),
    "route": ("list", "every port on the itinerary, in order"),
    "legs": ("num", "number of flight legs"),
    "sponsor": ("str", "sponsor named on a visa application"),
    "employer": ("str", "employer named on a visa application"),
    "agent": ("str", "agent named on a visa application"),
    "phone": ("str", "first phone number"),
    "email": ("str", "first email address"),
    "email_domain": ("str", "domain of the first email address"),
    "address": ("str", "address text"),
    "address_country": ("str", "country of the address, alpha-3"),
}

# Function name -> (argument types, result type, implementation). Every function is total:
# a null argument gives null (or False for predicates), never an exception.
_Func = Callable[..., Any]


def _str_pred(fn: Callable[[str, str], bool]) -> _Func:
    def call(a: Any, b: Any) -> bool:
        if a is None or b is None:
            return False
        return fn(str(a).casefold(), str(b).casefold())

    return call


FUNCTIONS: dict[str, tuple[tuple[str, ...], str, _Func, str]] = {
    "startswith": (("str", "str"), "bool", _str_pred(str.startswith),
                   "startswith(text, prefix), ignoring case"),
    "endswith": (("str", "str"), "bool", _str_pred(str.endswith),
                 "endswith(text, suffix), ignoring case"),
    "contains": (("str", "str"), "bool", _str_pred(lambda a, b: b in a),
                 "contains(text, part), ignoring case"),
    "lower": (("str",), "str", lambda a: None if a is None else str(a).lower(),
              "lower(text)"),
    "upper": (("str",), "str", lambda a: None if a is None else str(a).upper(),
              "upper(text)"),
    "length": (("any",), "num", lambda a: None if a is None else len(a),
               "length(text or list)"),
}
KEYWORDS = {"and", "or", "not", "in", "true", "false", "null"}
COMPARISONS = {"==", "!=", "<", "<=", ">", ">="}


class RuleError(ValueError):
    """A rule that cannot be compiled; the message names the line and column."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(f"line {line}, column {column}: {message}")
        self.reason = message
        self.line = line
        self.column = column


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # num, str, name, op, end
    value: Any
    offset: int
    line: int
    column: int


def _where(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    start = text.rfind("\n", 0, offset) + 1
    return line, offset - start + 1


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    i, n = 0, len(text)

    def err(message: str, at: int) -> RuleError:
        return RuleError(message, *_where(text, at))

    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        if ch == "#":  # comment to end of line: analysts explain their rules inline
            while i < n and text[i] != "\n":
                i += 1
            continue
        line, col = _where(text, i)
        if ch.isdigit():
            j = i
            while j < n and (text[j].isdigit() or text[j] == "."):
                j += 1
            raw = text[i:j]
            try:
                value: Any = float(raw) if "." in raw else int(raw)
            except ValueError as exc:
                raise err(f"{raw!r} is not a number", i) from exc
            tokens.append(Token("num", value, i, line, col))
            i = j
        elif ch in "\"'":
            j, out = i + 1, []
            while j < n and text[j] != ch:
                if text[j] == "\\" and j + 1 < n:
                    j += 1
                if text[j] == "\n":
                    raise err("text in quotes must end on the same line", i)
                out.append(text[j])
                j += 1
            if j >= n:
                raise err("text in quotes is not closed", i)
            tokens.append(Token("str", "".join(out), i, line, col))
            i = j + 1
        elif ch.isalpha() or ch == "_":
            j = i
            while j < n and (text[j].isalnum() or text[j] == "_"):
                j += 1
            tokens.append(Token("name", text[i:j], i, line, col))
            i = j
        elif text.startswith(("==", "!=", "<=", ">="), i):
            tokens.append(Token("op", text[i:i + 2], i, line, col))
            i += 2
        elif ch in "<>()[],.":
            tokens.append(Token("op", ch, i, line, col))
            i += 1
        elif ch == "=":
            raise err("use == to compare (a single = is not allowed)", i)
        else:
            raise err(f"character {ch!r} is not allowed", i)
    end_line, end_col = _where(text, n)
    tokens.append(Token("end", None, n, end_line, end_col))
    return tokens


Facts = Mapping[str, Any]
Evaluator = Callable[[Facts], Any]


@dataclass(frozen=True)
class _Node:
    fn: Evaluator
    type: str  # str, num, bool, list, null, any
    token: Token


def _cmp(op: str) -> Callable[[Any, Any], bool]:
    ops: dict[str, Callable[[Any, Any], bool]] = {
        "<": lambda a, b: a < b, "<=": lambda a, b: a <= b,
        ">": lambda a, b: a > b, ">=": lambda a, b: a >= b,
    }
    return ops[op]


def _either(lf: Evaluator, rf: Evaluator) -> Evaluator:
    return lambda f: bool(lf(f)) or bool(rf(f))


def _both(lf: Evaluator, rf: Evaluator) -> Evaluator:
    return lambda f: bool(lf(f)) and bool(rf(f))


def _fold(value: Any) -> Any:
    return value.casefold() if isinstance(value, str) else value


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.i = 0
        self.depth = 0
        self.fields_used: set[str] = set()

    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def error(self, message: str, tok: Token | None = None) -> RuleError:
        t = tok or self.tok
        return RuleError(message, t.line, t.column)

    def at(self, kind: str, value: Any = None) -> bool:
        t = self.tok
        return t.kind == kind and (value is None or t.value == value)

    def advance(self) -> Token:
        t = self.tok
        self.i += 1
        return t

    def expect_op(self, value: str, what: str) -> Token:
        if not self.at("op", value):
            raise self.error(f"expected {value!r} {what}, found {self._describe(self.tok)}")
        return self.advance()

    @staticmethod
    def _describe(tok: Token) -> str:
        if tok.kind == "end":
            return "the end of the rule"
        if tok.kind == "str":
            return f"text {tok.value!r}"
        return repr(str(tok.value))

    def parse(self) -> _Node:
        if not self.text.strip():
            raise RuleError("the rule is empty", 1, 1)
        if len(self.text) > MAX_LENGTH:
            raise RuleError(f"the rule is longer than {MAX_LENGTH} characters", 1, 1)
        node = self.expr()
        if not self.at("end"):
            raise self.error(f"unexpected {self._describe(self.tok)}; "
                             "join conditions with 'and' or 'or'")
        if node.type not in ("bool", "any"):
            raise self.error("a rule must be a condition that is true or false "
                             "(for example: age < 21)", node.token)
        return node

    def _enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(f"the rule is nested more than {MAX_DEPTH} levels deep")

    def expr(self) -> _Node:
        self._enter()
        left = self.and_expr()
        while self.at("name", "or"):
            op = self.advance()
            right = self.and_expr()
            self._need_bool(left, "or")
            self._need_bool(right, "or")
            left = _Node(_either(left.fn, right.fn), "bool", op)
        self.depth -= 1
        return left

    def and_expr(self) -> _Node:
        left = self.not_expr()
        while self.at("name", "and"):
            op = self.advance()
            right = self.not_expr()
            self._need_bool(left, "and")
            self._need_bool(right, "and")
            left = _Node(_both(left.fn, right.fn), "bool", op)
        return left

    def not_expr(self) -> _Node:
        if self.at("name", "not"):
            op = self.advance()
            self._enter()
            inner = self.not_expr()
            self.depth -= 1
            self._need_bool(inner, "not")
            fn = inner.fn
            return _Node(lambda f: not fn(f), "bool", op)
        return self.comparison()

    def _need_bool(self, node: _Node, word: str) -> None:
        if node.type not in ("bool", "any"):
            raise self.error(f"'{word}' joins conditions, but this is a value, not a "
                             "condition", node.token)

    def comparison(self) -> _Node:
        left = self.operand()
        tok = self.tok
        if tok.kind == "op" and tok.value in COMPARISONS:
            self.advance()
            right = self.operand()
            return self._compare(tok, left, right)
        if self.at("name", "in"):
            self.advance()
            return self._membership(tok, left, self.operand(), negate=False)
        if self.at("name", "not") and self.tokens[self.i + 1].kind == "name" \
                and self.tokens[self.i + 1].value == "in":
            self.advance()
            self.advance()
            return self._membership(tok, left, self.operand(), negate=True)
        return left

    def _compare(self, op: Token, left: _Node, right: _Node) -> _Node:
        lf, rf = left.fn, right.fn
        if op.value in ("==", "!="):
            if "null" not in (left.type, right.type) and "any" not in (left.type, right.type) \
                    and left.type != right.type:
                raise self.error(f"cannot compare {left.type} with {right.type}", op)
            negate = op.value == "!="

            def eq(f: Facts) -> bool:
                a, b = lf(f), rf(f)
                if a is None or b is None:
                    same = a is None and b is None
                    return not same if negate else same
                return (_fold(a) != _fold(b)) if negate else (_fold(a) == _fold(b))

            return _Node(eq, "bool", op)
        for side in (left, right):
            if side.type not in ("num", "str", "any"):
                raise self.error(f"{op.value} compares numbers or text, not {side.type}", op)
        if "any" not in (left.type, right.type) and left.type != right.type:
            raise self.error(f"cannot compare {left.type} with {right.type}", op)
        order = _cmp(op.value)

        def ordered(f: Facts) -> bool:
            a, b = lf(f), rf(f)
            if a is None or b is None:
                return False
            try:
                return order(_fold(a), _fold(b))
            except TypeError:
                return False

        return _Node(ordered, "bool", op)

    def _membership(self, op: Token, item: _Node, container: _Node, negate: bool) -> _Node:
        if container.type not in ("list", "str", "any"):
            raise self.error(f"'in' needs a list or text on its right, not {container.type}", op)
        itf, cf = item.fn, container.fn

        def member(f: Facts) -> bool:
            a, c = itf(f), cf(f)
            if a is None or c is None:
                return False
            if isinstance(c, str):
                found = str(a).casefold() in c.casefold()
            else:
                found = _fold(a) in {_fold(v) for v in c}
            return not found if negate else found

        return _Node(member, "bool", op)

    def operand(self) -> _Node:
        node = self._atom()
        if self.at("op", "."):
            raise self.error(
                "attribute access ('.') is not allowed; use a function such as "
                f"startswith(field, \"X\") (functions: {', '.join(sorted(FUNCTIONS))})"
            )
        if self.at("op", "["):
            raise self.error("indexing with [ ] is not allowed; use 'in' or a function")
        if self.at("op", "(") and node.token.kind != "name":
            raise self.error("only the listed functions can be called")
        return node

    def _atom(self) -> _Node:
        tok = self.tok
        if tok.kind in ("num", "str"):
            self.advance()
            value = tok.value
            return _Node(lambda f: value, "num" if tok.kind == "num" else "str", tok)
        if tok.kind == "op" and tok.value == "(":
            self.advance()
            inner = self.expr()
            self.expect_op(")", "to close the bracket")
            return inner
        if tok.kind == "op" and tok.value == "[":
            return self._list()
        if tok.kind == "name":
            return self._name()
        raise self.error(f"expected a field, a value or '(' but found {self._describe(tok)}")

    def _list(self) -> _Node:
        start = self.advance()
        values: list[Any] = []
        while not self.at("op", "]"):
            tok = self.tok
            if tok.kind in ("num", "str"):
                values.append(self.advance().value)
            elif tok.kind == "name" and tok.value in ("true", "false"):
                values.append(self.advance().value == "true")
            else:
                raise self.error("a list holds only numbers and quoted text, e.g. "
                                 "[\"AAA\", \"BBB\"]")
            if len(values) > MAX_LIST:
                raise self.error(f"a list holds at most {MAX_LIST} values")
            if not self.at("op", "]"):
                self.expect_op(",", "between list values")
        self.advance()
        frozen = tuple(values)
        return _Node(lambda f: frozen, "list", start)

    def _name(self) -> _Node:
        tok = self.advance()
        name = tok.value
        if name in ("true", "false"):
            value = name == "true"
            return _Node(lambda f: value, "bool", tok)
        if name == "null":
            return _Node(lambda f: None, "null", tok)
        if name in KEYWORDS:
            raise self.error(f"'{name}' cannot start a condition here", tok)
        if self.at("op", "("):
            return self._call(tok)
        if self.at("op", "."):
            raise self.error(
                "attribute access ('.') is not allowed; use a function such as "
                f"startswith(field, \"X\") (functions: {', '.join(sorted(FUNCTIONS))})"
            )
        if name in FUNCTIONS:
            raise self.error(f"{name} is a function: write {FUNCTIONS[name][3]}", tok)
        if name not in FIELDS:
            raise self.error(f"unknown field {name!r}; known fields: "
                             f"{', '.join(sorted(FIELDS))}", tok)
        self.fields_used.add(name)
        ftype = FIELDS[name][0]
        return _Node(lambda f: f.get(name), ftype, tok)

    def _call(self, tok: Token) -> _Node:
        name = tok.value
        if name not in FUNCTIONS:
            raise self.error(f"calling {name!r} is not allowed; functions: "
                             f"{', '.join(sorted(FUNCTIONS))}", tok)
        arg_types, result, impl, usage = FUNCTIONS[name]
        self.advance()  # (
        args: list[_Node] = []
        while not self.at("op", ")"):
            args.append(self.expr())
            if not self.at("op", ")"):
                self.expect_op(",", "between arguments")
        self.advance()
        if len(args) != len(arg_types):
            raise self.error(f"{name} takes {len(arg_types)} argument(s): {usage}", tok)
        for arg, wanted in zip(args, arg_types, strict=True):
            if wanted != "any" and arg.type not in (wanted, "any", "null"):
                raise self.error(f"{name} expects {wanted}, not {arg.type}: {usage}", arg.token)
        fns = [a.fn for a in args]
        return _Node(lambda f: impl(*(g(f) for g in fns)), result, tok)


@dataclass(frozen=True)
class Rule:
    """A compiled rule: call ``matches(facts)``."""

    text: str
    fields: frozenset[str]
    _fn: Evaluator

    def matches(self, facts: Facts) -> bool:
        return bool(self._fn(facts))


def compile_rule(text: str) -> Rule:
    """Parse and type-check ``text``; raise :class:`RuleError` naming the position."""
    parser = _Parser(text)
    node = parser.parse()
    return Rule(text, frozenset(parser.fields_used), node.fn)


def parse_facts(text: str) -> dict[str, Any]:
    """Facts written as ``field: value`` lines (the profile test set), typed by field.

    ``route`` takes ports separated by commas or blanks; ``mrz_valid`` takes yes/no;
    a blank value is null.
    """
    facts: dict[str, Any] = {}
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if ":" not in line:
            raise RuleError("write each fact as 'field: value'", number, 1)
        key, value = (part.strip() for part in line.split(":", 1))
        if key not in FIELDS:
            raise RuleError(f"unknown field {key!r}", number, 1)
        kind = FIELDS[key][0]
        if value == "":
            facts[key] = None
        elif kind == "num":
            try:
                facts[key] = float(value) if "." in value else int(value)
            except ValueError as exc:
                raise RuleError(f"{key} must be a number, not {value!r}", number,
                                raw.index(":") + 2) from exc
        elif kind == "bool":
            facts[key] = value.lower() in ("yes", "true", "1", "y")
        elif kind == "list":
            facts[key] = [p for p in value.replace(",", " ").split() if p]
        else:
            facts[key] = value.strip("\"'")
    return facts
