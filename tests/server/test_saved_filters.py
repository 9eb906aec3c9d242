"""Saved filters belong to one officer: another officer neither sees nor deletes them; same name replaces."""

from __future__ import annotations

import pytest

from crm.services.auth import Principal, acting_as
from crm.services.saved_filters import BadFilterName, delete_filter, save_filter, saved_filters

LI, WANG = Principal("li", "officer", "李专员"), Principal("wang", "officer", "王专员")


def test_saved_filters_are_per_officer_and_a_name_is_replaced() -> None:
    with acting_as(LI):
        save_filter("五角场", {"streets": ["五角场"]})
        save_filter("五角场", {"streets": ["五角场", "殷行"]})
        assert [(f.name, f.filters) for f in saved_filters()] == [("五角场", {"streets": ["五角场", "殷行"]})]
        with pytest.raises(BadFilterName):
            save_filter("  ", {})
    with acting_as(WANG):
        assert saved_filters() == []
        assert delete_filter("五角场") is False
    with acting_as(LI):
        assert delete_filter("五角场") is True and saved_filters() == []
