"""The risk-profile language: what it accepts, what it refuses, and where it says the error is."""

from __future__ import annotations

import pytest

from tiaki.screening.rules import RuleError, compile_rule, parse_facts


def test_rule_over_fields_lists_and_functions() -> None:
    rule = compile_rule('nationality in ["AAA", "bbb"] and age < 21\n'
                       '  and startswith(employer, "golden")  # recruiter named in reports')
    assert rule.matches({"nationality": "BBB", "age": 19, "employer": "Golden Fields Ltd"})
    assert not rule.matches({"nationality": "BBB", "age": 21, "employer": "Golden Fields Ltd"})
    assert not rule.matches({"nationality": "CCC", "age": 19, "employer": "Golden Fields Ltd"})
    assert rule.fields == {"nationality", "age", "employer"}


def test_missing_facts_never_fire_a_rule() -> None:
    assert not compile_rule("age < 21").matches({"age": None})
    # A comparison with a missing fact is false, so its negation is true: write age < 21.
    assert compile_rule("not (age >= 21)").matches({})
    assert compile_rule("sponsor == null").matches({})
    assert not compile_rule('contains(email, "@")').matches({})


def test_membership_and_negation() -> None:
    rule = compile_rule('"DXB" in route and arrival_port not in ["WLG", "CHC"] and not mrz_valid')
    facts = parse_facts("route: BKK, DXB AKL\narrival_port: AKL\nmrz_valid: no")
    assert facts == {"route": ["BKK", "DXB", "AKL"], "arrival_port": "AKL", "mrz_valid": False}
    assert rule.matches(facts)
    assert not rule.matches({**facts, "arrival_port": "wlg"})


@pytest.mark.parametrize(
    ("text", "line", "column", "words"),
    [
        ('employer.startswith("x")', 1, 9, "attribute access"),
        ("full_name.__class__", 1, 10, "attribute access"),
        ('__import__("os")', 1, 1, "calling '__import__' is not allowed"),
        ('open("/etc/passwd")', 1, 1, "calling 'open' is not allowed"),
        ("age < 21 and\n  route[0] == 'AKL'", 2, 8, "indexing"),
        ("age = 3", 1, 5, "use =="),
        ("age", 1, 1, "true or false"),
        ('age < "twenty"', 1, 5, "cannot compare"),
        ("nationality in [\"AAA\"] and\n   natonality == 'X'", 2, 4, "unknown field 'natonality'"),
        ("age < 21 or", 1, 12, "end of the rule"),
        ("lambda: 1", 1, 7, "character ':'"),
        ('startswith(employer)', 1, 1, "takes 2 argument"),
        ('"x" + "y" == "xy"', 1, 5, "character '+'"),
    ],
)
def test_rejected_rules_name_the_position(text: str, line: int, column: int, words: str) -> None:
    with pytest.raises(RuleError) as info:
        compile_rule(text)
    assert (info.value.line, info.value.column) == (line, column)
    assert words in str(info.value)
    assert str(info.value).startswith(f"line {line}, column {column}: ")


def test_nesting_and_length_are_bounded() -> None:
    with pytest.raises(RuleError, match="nested"):
        compile_rule("(" * 60 + "age < 1" + ")" * 60)
    with pytest.raises(RuleError, match="longer than"):
        compile_rule("age < 1 or " * 500 + "age < 1")


def test_facts_are_typed_by_field() -> None:
    with pytest.raises(RuleError, match="age must be a number"):
        parse_facts("age: nineteen")
    with pytest.raises(RuleError, match="unknown field 'colour'"):
        parse_facts("colour: red")
    assert parse_facts("age: 19\nsponsor:\n# comment") == {"age": 19, "sponsor": None}
