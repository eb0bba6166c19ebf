"""Argument checks shared by the science modules.

Each check raises :class:`ValueError` with a message that names the parameter, the allowed
range and the value received, so a mistake in a figure block reads as a sentence.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from numbers import Integral, Real

import numpy as np
from numpy.typing import ArrayLike, NDArray


def positive_number(name: str, value: object) -> float:
    """Return ``value`` as a float if it is a finite real number > 0.

    Args:
        name: The parameter name used in the error message.
        value: The value to check.

    Returns:
        The value as a Python float.

    Raises:
        ValueError: If the value is not a finite real number greater than 0.
    """
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    if value <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    return float(value)


def positive_int(name: str, value: object) -> int:
    """Return ``value`` as an int if it is an integer >= 1 (bools are refused).

    Args:
        name: The parameter name used in the error message.
        value: The value to check.

    Returns:
        The value as a Python int.

    Raises:
        ValueError: If the value is not an integer or is smaller than 1.
    """
    if isinstance(value, bool) or not isinstance(value, Integral) or value < 1:
        raise ValueError(f"{name} must be an integer >= 1, got {value!r}")
    return int(value)


def positive_array(name: str, value: ArrayLike) -> NDArray[np.float64]:
    """Return ``value`` as a float64 array whose entries are all finite and > 0.

    Args:
        name: The parameter name used in the error message.
        value: A number or array-like of numbers.

    Returns:
        A float64 array of the same shape (0-d for a scalar).

    Raises:
        ValueError: If any entry is not finite or not greater than 0.
    """
    array = np.asarray(value, dtype=np.float64)
    if array.size == 0 or not np.all(np.isfinite(array)) or not np.all(array > 0):
        raise ValueError(f"{name} must be finite and > 0, got {value!r}")
    return array


def one_of(name: str, value: str, allowed: Iterable[str]) -> str:
    """Return ``value`` if it is one of ``allowed``.

    Args:
        name: The parameter name used in the error message.
        value: The value to check.
        allowed: The accepted values, listed in the error message.

    Returns:
        The value unchanged.

    Raises:
        ValueError: If the value is not one of the allowed values.
    """
    choices = tuple(allowed)
    if value not in choices:
        listed = ", ".join(repr(choice) for choice in choices)
        raise ValueError(f"{name} must be one of {listed}, got {value!r}")
    return value
