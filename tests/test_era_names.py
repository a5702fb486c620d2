"""An era is named however a person writes it: ``"Granular"``, ``" BROAD"`` are the eras they name."""

from __future__ import annotations

import pytest

import xero_nb as xn
from xero_nb.catalog.scopes import check_era, unreachable
from xero_nb.errors import UnknownEraError


@pytest.mark.parametrize(("written", "era"), [("Granular", "granular"), (" BROAD ", "broad"), ("Mixed", "mixed")])
def test_an_era_in_any_case_is_the_era_it_names(written: str, era: str) -> None:
    assert check_era(written) == era
    assert xn.required_scopes("GET /Invoices", era=written) == xn.required_scopes("GET /Invoices", era=era)
    assert xn.least_privilege(["GET /Invoices"], era=written) == xn.least_privilege(["GET /Invoices"], era=era)
    assert xn.coverage("accounting.settings.read", era=written).equals(
        xn.coverage("accounting.settings.read", era=era))


def test_the_granular_era_in_capitals_still_says_granular_scopes() -> None:
    assert xn.least_privilege(["GET /Invoices"], era="GRANULAR") == {"accounting.invoices.read"}
    assert unreachable("GET /ExpenseClaims", era="Granular") is not None


def test_a_misspelt_era_is_refused_and_named() -> None:
    with pytest.raises(UnknownEraError, match="broad, granular, mixed, not 'gran'"):
        check_era("gran")
