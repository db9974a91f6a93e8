"""Form validators shared by every feature."""

from __future__ import annotations

import math
from decimal import Decimal

from wtforms.validators import StopValidation


def finite_number(form, field) -> None:
    """Refuse NaN and infinities, which number fields otherwise accept ("nan", "sNaN", "inf").

    Must come before NumberRange: comparisons with NaN are all false (so it would pass) and a
    signalling NaN raises inside the comparison.
    """
    value = field.data
    if value is None:
        return
    finite = value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)
    if not finite:
        field.errors[:] = []
        raise StopValidation("Enter an ordinary number.")
