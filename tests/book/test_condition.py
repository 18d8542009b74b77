"""The scorecard's restricted condition evaluator (scripts/bookkit/condition.py)."""

from __future__ import annotations

import pytest

from bookkit import condition

VALUES = {"01_a:x": "0.941", "01_a:n": "12", "02_b:flag": "false", "02_b:y": "-0.5"}


@pytest.mark.parametrize("text, expected", [
    ("float(v['01_a:x']) > 0.9", True),
    ("float(v['01_a:x']) > 0.95", False),
    ("abs(float(v['02_b:y']) + 0.5) < 1e-9", True),
    ("int(v['01_a:n']) == 12 and v['02_b:flag'] == 'false'", True),
    ("not v['02_b:flag'] == 'false' or int(v['01_a:n']) // 5 == 2", True),
    ("0.9 < float(v['01_a:x']) <= 1", True),
    ("min(float(v['01_a:x']), float(v['02_b:y'])) == -0.5", True),
    ("max(1, 2) ** 3 % 5 == 3", True),
    ("-float(v['02_b:y']) * 2 - 1 == 0", True),
])
def test_allowed_expressions_evaluate_like_python(text, expected):
    assert condition.evaluate(text, VALUES) is expected


@pytest.mark.parametrize("text, message", [
    ("__import__('os').system('true')", r"call of \"__import__\('os'\).system\" is not allowed"),
    ("open('/etc/passwd')", "call of 'open' is not allowed"),
    ("v['01_a:x'].__class__", r"attribute access \(v\['01_a:x'\].__class__\)"),
    ("float.__subclasses__()", "not allowed"),
    ("().__class__.__bases__[0].__subclasses__()", "not allowed"),
    ("(lambda: 1)()", "call of 'lambda: 1' is not allowed"),
    ("[c for c in 'ab']", "ListComp"),
    ("eval('1')", "call of 'eval' is not allowed"),
    ("globals()", "call of 'globals' is not allowed"),
    ("x > 1", "the name 'x'"),
    ("v[0] > 1", "without a string literal key"),
    ("v['no_colon'] == 'a'", "keys are 'chapter:name'"),
    ("float(v['01_a:x'], base=2)", "keyword or starred"),
    ("None", "constant None"),
    ("import os", "not a Python expression"),
    ("v['01_a:x'] if 1 else 2", "IfExp"),
])
def test_anything_else_is_refused_before_evaluation(text, message):
    with pytest.raises(condition.ConditionError, match=message):
        condition.parse(text)


def test_refusal_names_the_allowed_calls():
    with pytest.raises(condition.ConditionError, match=r"allowed: abs, float, int, max, min"):
        condition.evaluate("__import__('subprocess').run(['touch', '/tmp/x'])", VALUES)


@pytest.mark.parametrize("text, message", [
    ("v['01_a:x'] * 10 ** 9 == 1", "arithmetic on '0.941'"),  # no string repetition
    ("10 ** 10 ** 10 > 1", "exponent 10000000000 larger than 64"),
    ("float(v['02_b:flag']) > 0", "cannot be evaluated: ValueError"),
    ("1 / 0 > 0", "ZeroDivisionError"),
    ("float(v['09_z:missing']) > 0", "no value for v\\['09_z:missing'\\]"),
    ("float > 0", "can only be called or indexed"),
])
def test_evaluation_errors_are_condition_errors(text, message):
    with pytest.raises(condition.ConditionError, match=message):
        condition.evaluate(text, VALUES)


def test_keys_in_order_of_first_appearance():
    assert condition.keys("float(v['02_b:y']) < float(v['01_a:x']) and float(v['02_b:y']) < 0") == \
        ["02_b:y", "01_a:x"]


@pytest.mark.parametrize("text, threshold, op, value", [
    ("float(v['01_a:x']) > 0.9", 0.9, ">", 0.941),
    ("0.9 < float(v['01_a:x'])", 0.9, ">", 0.941),
    ("abs(float(v['02_b:y']) - 0.5) < 0.05 and v['02_b:flag'] == 'false'", 0.05, "<", 1.0),
    ("v['02_b:flag'] == 'false' and float(v['01_a:x']) > float(v['02_b:y'])", 0.0, ">", 1.441),
    ("float(v['01_a:n']) <= 2 * 3", 6.0, "<=", 12.0),
])
def test_first_margin_picks_the_first_ordering_comparison(text, threshold, op, value):
    margin = condition.first_margin(text)
    assert (margin.threshold, margin.op) == (threshold, op)
    assert margin.value(VALUES, text) == pytest.approx(value)
    assert margin.holds_above is (op in (">", ">="))


def test_equality_only_conditions_have_no_margin():
    assert condition.first_margin("int(v['01_a:n']) == 12 and v['02_b:flag'] == 'false'") is None
