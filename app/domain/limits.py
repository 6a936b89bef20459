"""Sizes the database columns hold, checked in the domain so SQLite (which stores anything) and
PostgreSQL (which answers with a raw length error) refuse the same values with the same words.

Lengths are read from the models, so a migration that widens a column widens the check too.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from app.domain.errors import InvalidInput

MAX_AMOUNT = Decimal("9999999999.99")  # Numeric(12, 2): costs and prices
MAX_LINE_QUANTITY = 10_000  # units on one order line


def column_length(column) -> int:
    """The n of a String(n) column (an ORM attribute such as Product.model)."""
    return column.property.columns[0].type.length


def length_problem(label: str, value: str | None, column) -> str | None:
    """Why `value` does not fit `column`, in words, or None."""
    limit = column_length(column)
    if value is not None and len(value) > limit:
        return f"{label} is longer than {limit} characters ({len(value):,})"
    return None


def check_length(label: str, value: str | None, column) -> None:
    problem = length_problem(label, value, column)
    if problem:
        raise InvalidInput(f"The {problem}.")


def amount_problem(label: str, value) -> str | None:
    """A cost or price must be a finite amount from 0 to 9,999,999,999.99."""
    if value is None:
        return None
    try:
        amount = Decimal(value)
        ok = amount.is_finite() and 0 <= amount <= MAX_AMOUNT
    except (InvalidOperation, ValueError, TypeError):
        ok = False
    if not ok:
        return f"{label} “{str(value)[:30]}” is not an amount from 0 to {MAX_AMOUNT:,}"
    return None


def check_amount(label: str, value) -> None:
    problem = amount_problem(label, value)
    if problem:
        raise InvalidInput(f"The {problem}.")


def check_line_quantity(quantity: int) -> None:
    if isinstance(quantity, bool) or not isinstance(quantity, int) or not 1 <= quantity <= MAX_LINE_QUANTITY:
        shown = str(quantity)[:30]
        raise InvalidInput(f"An order line's quantity is 1 to {MAX_LINE_QUANTITY:,}, not {shown}.")
