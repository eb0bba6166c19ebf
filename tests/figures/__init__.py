"""Figure tests; their shared helpers keep pytest's detailed assertion messages."""

import pytest

pytest.register_assert_rewrite("tests.figures.helpers")
