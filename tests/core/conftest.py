"""Fixtures for the pure domain tests."""

from __future__ import annotations

import pytest

from trt_local.core import Catalog, default_catalog


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return default_catalog()
