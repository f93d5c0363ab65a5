"""Fixtures of the nlp tests: the shipped classifier, loaded once for the session."""

import pytest

from nlp.classifier import get_classifier


@pytest.fixture(scope="session")
def classifier():
    return get_classifier("2003")
