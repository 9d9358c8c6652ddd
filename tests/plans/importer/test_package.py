"""The importer package exports its names lazily (PEP 562): each one resolves to its module's."""

from __future__ import annotations

import importlib

import pytest

import tracker.plans.importer as importer


@pytest.mark.parametrize("name", importer.__all__)
def test_every_exported_name_resolves_to_its_module(name):
    home = importlib.import_module(f"tracker.plans.importer.{importer._HOMES[name]}")
    assert getattr(importer, name) is getattr(home, name)


def test_the_homes_are_the_exported_names():
    assert sorted(importer._HOMES) == sorted(importer.__all__)


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError):
        importer.no_such_name  # noqa: B018
    assert set(importer.__all__) <= set(dir(importer))
