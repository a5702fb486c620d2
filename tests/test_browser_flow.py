"""The Call workflow in JupyterLab in Debian's headless Chromium, as a user goes through it.

Paste a full SDK URL into the request bar -> Send -> 401 -> the permissions panel names the
scope -> Consent -> the simulator's consent page in a new tab -> Allow -> the request is sent
again -> 200. Then, with the Scopes tab's era what-if switched, the fix is still the one the
app's real era gives; and a pasted error is diagnosed with the context typed beside it, shown
next to the box. Everything is read as the user reads it (text), on 127.0.0.1 only.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from browser_lab import CHROMIUM, CHROMIUM_ARGS, run_all_until_live, running_lab, wait_kernel_ready

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
LAB_TOKEN = "xnb-browser-flow"
SDK_URL = "https://api.xero.com/api.xro/2.0/Invoices?where=Status%3D%3D%22AUTHORISED%22"

pytestmark = pytest.mark.browser


def _notebook() -> dict:
    code = ("from xero_nb.widgets import ScopeLab\n"
            "lab = ScopeLab(tab=\"Call\")  # the simulator's demo app, signed in\n"
            "lab")
    return {"cells": [{"cell_type": "code", "execution_count": None, "id": "lab", "metadata": {},
                       "outputs": [], "source": code}],
            "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python",
                                        "name": "python3"}},
            "nbformat": 4, "nbformat_minor": 5}


@pytest.fixture
def lab(tmp_path: Path):
    work = tmp_path / "notebooks"
    work.mkdir()
    (work / "flow.ipynb").write_text(json.dumps(_notebook()))
    with running_lab(work, tmp_path, LAB_TOKEN) as base:
        yield base


def _request(page, text: str) -> None:
    """Type (paste) a request into the request bar and press Enter."""
    bar = page.locator(".xnb-request-bar input").first
    bar.fill(text)
    bar.press("Enter")


def _consent_in_new_tab(page, context) -> str:
    """Press Consent, open the consent link as a user would, Allow; returns the page's URL."""
    from playwright.sync_api import expect

    page.locator("button.xnb-consent").first.click()
    link = page.locator(".xnb-consent-link a").first
    expect(link).to_be_visible()
    assert link.inner_text() == "Open the simulator's consent page"
    with context.expect_page() as opened:
        link.click()
    consent = opened.value
    consent.wait_for_load_state()
    url = consent.url
    expect(consent.locator("h1")).to_contain_text("wants to access your Xero data")
    with consent.expect_request(lambda r: "/callback?" in r.url and "code=" in r.url):
        consent.locator("button", has_text="Allow access").click()  # back to the 127.0.0.1 catcher
    return url


def test_request_bar_permissions_consent_resend(lab: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 1600})
            page = context.new_page()
            page.set_default_timeout(45_000)
            page.goto(f"{lab}/lab/tree/flow.ipynb?token={LAB_TOKEN}")
            page.wait_for_selector(".jp-Notebook .jp-Cell")
            wait_kernel_ready(page)
            run_all_until_live(page, ".xnb-request-bar input", 60_000)

            perms = page.locator(".xnb-call-permissions").first
            info = page.locator(".xnb-call-info").first
            banner = page.locator(".xnb-banner").first
            # 1. A full SDK URL: the endpoint, its parameter and the scopes it needs, at once.
            _request(page, f"GET {SDK_URL}")
            expect(perms).to_contain_text("Permissions for GET /Invoices")
            expect(perms).to_contain_text("accounting.invoices.read")
            text = perms.inner_text()
            assert "real era mixed" in text and "not requested · the fix" in text
            page.locator("button.xnb-send").first.click()
            expect(info).to_contain_text("401")
            assert "where=Status" in info.inner_text()
            diagnosis = page.locator(".xnb-call-diagnosis").first
            expect(diagnosis).to_contain_text("missing_scope")
            assert "accounting.invoices.read" in diagnosis.inner_text()
            # 2. Consent: the simulator's own consent page, then the request is sent again.
            url = _consent_in_new_tab(page, context)
            assert url.startswith("http://127.0.0.1:") and "login.xero.com" not in url
            expect(info).to_contain_text("200", timeout=30_000)
            expect(perms).to_contain_text("granted")
            expect(page.locator(".xnb-history").first).to_contain_text("401", timeout=30_000)  # (a busy machine)
            page.screenshot(path=str(ARTIFACTS / "call_flow_consented.png"), full_page=True)

            # 3. The Scopes tab's era what-if: explored, labelled, and never the fix.
            page.locator(".xnb-lab-tabs .lm-TabBar-tab", has_text="Scopes").first.click()
            page.locator(".xnb-era button", has_text="broad").first.click()
            expect(banner).to_contain_text("what-if broad era")
            assert "era mixed" in banner.inner_text()
            page.locator(".xnb-lab-tabs .lm-TabBar-tab", has_text="Call").first.click()
            _request(page, "GET /Payments")
            expect(perms).to_contain_text("Permissions for GET /Payments")
            text = perms.inner_text()
            assert "real era mixed" in text and "exploration only" in text
            assert "Consent adds accounting.payments.read" in text
            page.locator("button.xnb-send").first.click()
            expect(info).to_contain_text("/Payments")
            expect(info).to_contain_text("401")
            expect(diagnosis).to_contain_text("missing_scope")
            fix = diagnosis.inner_text()
            assert "Add accounting.payments.read" in fix.replace("`", ""), fix
            _consent_in_new_tab(page, context)
            expect(info).to_contain_text("200", timeout=30_000)
            page.screenshot(path=str(ARTIFACTS / "call_flow_whatif.png"), full_page=True)

            # 4. A pasted error is diagnosed with the context the user typed beside it (not the
            # current request's), says which, and answers next to the paste box.
            box = page.get_by_placeholder("paste an error").first
            box.fill('{"error": "InsufficientPermissions", "message": "The API credentials do '
                     'not have the necessary permissions to perform the action."}')
            page.get_by_placeholder("e.g. GET /Invoices").first.fill("GET /Contacts")
            page.get_by_placeholder("the token's scopes").first.fill("openid accounting.settings.read")
            page.locator("button", has_text="Diagnose pasted error").first.click()
            used = page.locator(".xnb-paste-context").first
            expect(used).to_contain_text("Diagnosed with")
            expect(used).to_contain_text("/Contacts")
            assert "accounting.settings.read" in used.inner_text()
            assert "/Payments" not in used.inner_text()  # the current request was not used
            result = page.locator(".xnb-paste-result").first
            expect(result).to_contain_text("missing_scope")
            assert "accounting.contacts.read" in result.inner_text()
            gap = page.evaluate(
                "() => { const b = [...document.querySelectorAll('button')].find("
                "x => x.textContent.includes('Diagnose pasted error')).getBoundingClientRect();"
                " const r = document.querySelector('.xnb-paste-result').getBoundingClientRect();"
                " return r.top - b.bottom; }")
            assert 0 <= gap < 400, gap  # the answer appears where the user is looking
        finally:
            browser.close()
