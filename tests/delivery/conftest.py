"""Fixtures shared by the delivery tests."""

from tests.delivery.test_outbox_delivery import rig  # noqa: F401 - the outbox rig fixture
