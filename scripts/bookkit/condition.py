"""A small, restricted evaluator for the scorecard's conditions (no ``eval``).

A condition is one Python *expression* over ``v['chapter:name']`` look-ups of the printed
verdict strings. Only these constructs are accepted (anything else -- names, attribute access,
imports, lambdas, comprehensions, keyword arguments, subscripts of anything but ``v`` -- is
refused with :class:`ConditionError` before evaluation):

* constants: numbers, strings, ``True``/``False``;
* look-ups ``v['chapter:name']`` (a string literal key);
* calls of ``float``, ``int``, ``abs``, ``min``, ``max`` with positional arguments;
* arithmetic ``+ - * / // % **`` on numbers (``**`` with an exponent of at most 64 in size);
* comparisons ``== != < <= > >=`` (chained too) and ``and`` / ``or`` / ``not``.

Examples
--------
>>> evaluate("float(v['ch:x']) > 0.5 and v['ch:flag'] == 'true'", {"ch:x": "0.9", "ch:flag": "true"})
True
>>> keys("abs(float(v['a:x']) - float(v['b:y'])) < 0.1")
['a:x', 'b:y']
>>> evaluate("id(1)", {})
Traceback (most recent call last):
...
bookkit.condition.ConditionError: condition 'id(1)': call of 'id' is not allowed (allowed: abs, float, int, max, min)
"""

from __future__ import annotations

import ast
import operator
import re
from dataclasses import dataclass
from typing import Any, Mapping

#: Functions a condition may call.
FUNCTIONS = {"abs": abs, "float": float, "int": int, "max": max, "min": min}
_BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
           ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod, ast.Pow: operator.pow}
_COMPARE = {ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
            ast.Gt: operator.gt, ast.GtE: operator.ge}
_ORDERING = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}
KEY = re.compile(r"^[0-9A-Za-z_]+:[A-Za-z_]\w*$")
MAX_EXPONENT = 64


class ConditionError(ValueError):
    """A condition uses a construct the evaluator does not allow, or cannot be evaluated."""


def parse(condition: str) -> ast.expr:
    """The checked syntax tree of ``condition``; raises :class:`ConditionError` on anything not allowed."""
    if not isinstance(condition, str) or not condition.strip():
        raise ConditionError(f"condition must be a non-empty string, got {condition!r}")
    try:
        tree = ast.parse(condition.strip(), mode="eval")
    except SyntaxError as exc:
        raise ConditionError(f"condition {condition!r} is not a Python expression: {exc.msg}") from None
    for node in ast.walk(tree.body):
        _check_node(node, condition)
    return tree.body


def _check_node(node: ast.AST, condition: str) -> None:
    def refuse(what: str) -> None:
        raise ConditionError(f"condition {condition!r}: {what} is not allowed")

    if isinstance(node, ast.Constant):
        if not isinstance(node.value, (int, float, str)):
            refuse(f"the constant {node.value!r}")
    elif isinstance(node, ast.Subscript):
        if not (isinstance(node.value, ast.Name) and node.value.id == "v"):
            refuse("a subscript of anything but v")
        if not (isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str)):
            refuse("a v[...] look-up without a string literal key")
        if not KEY.match(node.slice.value):
            refuse(f"the key {node.slice.value!r} (keys are 'chapter:name')")
    elif isinstance(node, ast.Name):
        if node.id != "v" and node.id not in FUNCTIONS:
            refuse(f"the name {node.id!r}")
    elif isinstance(node, ast.Call):
        if not (isinstance(node.func, ast.Name) and node.func.id in FUNCTIONS):
            name = node.func.id if isinstance(node.func, ast.Name) else ast.unparse(node.func)
            raise ConditionError(f"condition {condition!r}: call of {name!r} is not allowed "
                                 f"(allowed: {', '.join(sorted(FUNCTIONS))})")
        if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
            refuse(f"keyword or starred arguments of {node.func.id}()")
    elif isinstance(node, ast.BinOp):
        if type(node.op) not in _BINARY:
            refuse(f"the operator {type(node.op).__name__}")
    elif isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, (ast.USub, ast.UAdd, ast.Not)):
            refuse(f"the operator {type(node.op).__name__}")
    elif isinstance(node, ast.Compare):
        if any(type(op) not in _COMPARE for op in node.ops):
            refuse("a comparison other than == != < <= > >=")
    elif isinstance(node, ast.BoolOp):
        pass
    elif isinstance(node, (ast.Load, ast.operator, ast.unaryop, ast.cmpop, ast.boolop)):
        pass
    elif isinstance(node, ast.Attribute):
        refuse(f"attribute access ({ast.unparse(node)})")
    else:
        refuse(f"the construct {type(node).__name__} ({ast.unparse(node)})")


def keys(condition: str) -> list[str]:
    """The ``chapter:name`` keys the condition reads, in order of first appearance."""
    tree = parse(condition)
    found = [n.slice.value for n in ast.walk(tree) if isinstance(n, ast.Subscript)]
    return list(dict.fromkeys(found))


def evaluate(condition: str, values: Mapping[str, str]) -> Any:
    """The value of ``condition`` with ``v`` bound to ``values`` (``chapter:name`` -> printed string)."""
    return _evaluate(parse(condition), values, condition)


def _evaluate(node: ast.expr, values: Mapping[str, str], condition: str) -> Any:
    def sub(n: ast.expr) -> Any:
        return _evaluate(n, values, condition)

    try:
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Subscript):
            key = node.slice.value
            if key not in values:
                raise ConditionError(f"condition {condition!r}: no value for v[{key!r}]")
            return values[key]
        if isinstance(node, ast.Name):  # a bare function name or v, outside a call/look-up
            raise ConditionError(f"condition {condition!r}: the name {node.id!r} can only be called or indexed")
        if isinstance(node, ast.Call):
            return FUNCTIONS[node.func.id](*(sub(a) for a in node.args))
        if isinstance(node, ast.BinOp):
            left, right = sub(node.left), sub(node.right)
            for operand in (left, right):
                if isinstance(operand, bool) or not isinstance(operand, (int, float)):
                    raise ConditionError(f"condition {condition!r}: arithmetic on {operand!r} "
                                         "(convert printed strings with float(...) or int(...))")
            if isinstance(node.op, ast.Pow) and abs(right) > MAX_EXPONENT:
                raise ConditionError(f"condition {condition!r}: exponent {right!r} larger than {MAX_EXPONENT}")
            return _BINARY[type(node.op)](left, right)
        if isinstance(node, ast.UnaryOp):
            operand = sub(node.operand)
            if isinstance(node.op, ast.Not):
                return not operand
            if isinstance(operand, bool) or not isinstance(operand, (int, float)):
                raise ConditionError(f"condition {condition!r}: sign of {operand!r}")
            return -operand if isinstance(node.op, ast.USub) else +operand
        if isinstance(node, ast.Compare):
            left = sub(node.left)
            for op, comparator in zip(node.ops, node.comparators):
                right = sub(comparator)
                if not _COMPARE[type(op)](left, right):
                    return False
                left = right
            return True
        if isinstance(node, ast.BoolOp):
            if isinstance(node.op, ast.And):
                result = True
                for value in node.values:
                    result = sub(value)
                    if not result:
                        return result
                return result
            result = False
            for value in node.values:
                result = sub(value)
                if result:
                    return result
            return result
    except ConditionError:
        raise
    except (TypeError, ValueError, ArithmeticError) as exc:
        raise ConditionError(f"condition {condition!r} cannot be evaluated: {type(exc).__name__}: {exc}") from None
    raise ConditionError(f"condition {condition!r}: unexpected {type(node).__name__}")  # parse() prevents this


@dataclass(frozen=True)
class Margin:
    """The first ordering comparison ``left OP right`` of a condition, used for plotting.

    The *quantity* is ``left`` when ``right`` reads no value (a threshold constant), else
    ``left - right`` against a threshold of 0; ``holds_above`` says on which side of the
    threshold the comparison holds.
    """

    quantity: ast.expr
    threshold: float
    op: str
    text: str

    @property
    def holds_above(self) -> bool:
        return self.op in (">", ">=")

    def value(self, values: Mapping[str, str], condition: str) -> float:
        """The quantity for one set of values."""
        return float(_evaluate(self.quantity, values, condition))


def first_margin(condition: str) -> Margin | None:
    """The first ordering comparison (``< <= > >=``, in reading order) of the condition, or None.

    ``abs(float(v['a:x']) - 0.5) < 0.05`` gives the quantity ``abs(float(v['a:x']) - 0.5)`` and
    the threshold 0.05; ``float(v['a:x']) > float(v['a:y'])`` gives ``float(v['a:x']) -
    float(v['a:y'])`` against 0. Equality tests and conditions without an ordering give None.
    """
    tree = parse(condition)
    for node in _reading_order(tree):
        if isinstance(node, ast.Compare) and type(node.ops[0]) in _ORDERING:
            left, right, op = node.left, node.comparators[0], _ORDERING[type(node.ops[0])]
            if not _reads_values(left) and _reads_values(right):  # 0.9 < x  ->  x > 0.9
                left, right = right, left
                op = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}[op]
            if not _reads_values(left):
                continue
            text = f"{ast.unparse(left)} {op} {ast.unparse(right)}"
            if _reads_values(right):
                return Margin(ast.BinOp(left=left, op=ast.Sub(), right=right), 0.0, op, text)
            try:
                threshold = float(_evaluate(right, {}, condition))
            except ConditionError:
                continue
            return Margin(left, threshold, op, text)
    return None


def _reads_values(node: ast.AST) -> bool:
    return any(isinstance(n, ast.Subscript) for n in ast.walk(node))


def _reading_order(node: ast.AST):
    yield node
    for child in ast.iter_child_nodes(node):
        yield from _reading_order(child)
