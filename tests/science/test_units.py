"""Tests for genai_notes.science.units: SI gigabytes (10**9) and IEC gibibytes (2**30)."""

from __future__ import annotations

from genai_notes.science import units


def test_a_gigabyte_is_10_to_the_9_bytes() -> None:
    assert units.GB == 1_000_000_000
    assert units.to_gb(7.5e9) == 7.5


def test_a_gibibyte_is_2_to_the_30_bytes() -> None:
    assert units.GiB == 1_073_741_824
    assert units.to_gib(3 * 2**30) == 3.0


def test_the_same_bytes_are_fewer_gib_than_gb() -> None:
    n_bytes = 24e9
    assert units.to_gb(n_bytes) == 24.0
    assert units.to_gib(n_bytes) == 24e9 / 2**30
    assert units.to_gib(n_bytes) < units.to_gb(n_bytes)
