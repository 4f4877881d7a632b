"""The device-approval and plan-review pages, driven in headless Chromium."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from .stack import Running, contract, open_session, require_tool

pytestmark = pytest.mark.slow

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "controlplane"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Debian's Chromium with a fresh profile; playwright never downloads one."""
    chromium = require_tool("chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    profile = tmp_path_factory.mktemp("chromium-profile")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=chromium,
            headless=True,
            args=CHROMIUM_FLAGS,
            viewport={"width": 900, "height": 700},
        )
        yield context
        context.close()


def sign_in(page: Any, plane: Running, target: str) -> None:
    page.goto(f"{plane.url}{target}")
    assert "/login" in page.url
    page.fill("#token", plane.token)
    page.click("#sign-in")
    page.wait_for_url(f"{plane.url}{target}")


def test_a_device_login_is_approved_in_the_browser(
    plane: Running, browser: Any
) -> None:
    start = httpx.post(f"{plane.url}/v1/auth/device/start").json()
    page = browser.new_page()

    sign_in(page, plane, "/device")
    page.fill("#user_code", start["userCode"])
    page.screenshot(path=str(ARTIFACTS / "device-approve.png"))
    page.click("#approve")
    message = page.text_content("#message")
    page.screenshot(path=str(ARTIFACTS / "device-approved.png"))
    poll = httpx.post(
        f"{plane.url}/v1/auth/device/poll", json={"deviceCode": start["deviceCode"]}
    )
    again = httpx.post(
        f"{plane.url}/v1/auth/device/poll", json={"deviceCode": start["deviceCode"]}
    )
    page.close()

    assert "Approved" in (message or "")
    assert poll.status_code == 200
    assert poll.json()["email"] == "dev@localhost"
    verified = httpx.post(
        f"{plane.url}/v1/auth/token/verify",
        headers={"Authorization": f"Bearer {poll.json()['token']}"},
    )
    assert verified.status_code == 200
    assert again.status_code == 410


def test_a_denied_device_login_answers_403(plane: Running, browser: Any) -> None:
    start = httpx.post(f"{plane.url}/v1/auth/device/start").json()
    page = browser.new_page()

    page.goto(f"{plane.url}/device?code={start['userCode']}")
    page.click("#deny")
    page.close()
    poll = httpx.post(
        f"{plane.url}/v1/auth/device/poll", json={"deviceCode": start["deviceCode"]}
    )

    assert poll.status_code == 403
    assert poll.json()["error"] == "access_denied"


def test_a_plan_is_reviewed_and_granted_in_the_browser(
    plane: Running, browser: Any
) -> None:
    with plane.client() as client:
        open_session(client, "page-review", contract())
        plan = open_session(
            client, "page-review", contract(hosts=("api.example.com",))
        ).json()
    page = browser.new_page()

    page.goto(plan["reviewUrl"])
    reasons = page.inner_text("#reasons")
    page.screenshot(path=str(ARTIFACTS / "plan-review.png"), full_page=True)
    page.click("#approve-grant")
    page.wait_for_selector("#outcome")
    status = page.text_content("#status")
    page.screenshot(path=str(ARTIFACTS / "plan-approved.png"), full_page=True)
    page.close()

    assert "egress host api.example.com added" in reasons
    assert "needs approval" in reasons
    assert status == "approved"
    with plane.client() as client:
        grants = client.get("/v1/projects/page-review/grants").json()["grants"]
    assert grants[0]["capabilities"] == plan["diff"]["reasons"]


def test_forms_without_the_csrf_token_are_refused(plane: Running) -> None:
    with plane.client() as client:
        open_session(client, "csrf", contract())
        plan = open_session(client, "csrf", contract(env=("NEW",))).json()
    with httpx.Client(base_url=plane.url, trust_env=False) as browserless:
        login = browserless.get("/login")
        csrf = login.cookies["zigttp_csrf"]
        signed_in = browserless.post(
            "/login", data={"csrf": csrf, "token": plane.token, "next": "/device"}
        )
        forged = browserless.post(
            f"/plans/{plan['planId']}", data={"csrf": "guess", "decision": "once"}
        )
        forged_logout = browserless.post("/logout", data={})
        still_signed_in = browserless.get("/device")

    assert signed_in.status_code == 303
    assert "samesite=strict" in signed_in.headers["set-cookie"].lower()
    for refused in (forged, forged_logout):
        assert refused.status_code == 403
        assert refused.headers["content-type"] == "text/html; charset=utf-8"
        assert refused.headers["x-frame-options"] == "DENY"
        assert "<title>Request refused · zigttp control plane</title>" in refused.text
        assert (
            '<p id="message">the form&#39;s CSRF token does not match; reload the '
            "page and try again</p>" in refused.text
        )
    assert still_signed_in.status_code == 200
    status = plane.rows("select status from plans where id = ?", plan["planId"])
    assert status == [("pending",)]


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/"])
def test_sign_in_never_redirects_off_site(plane: Running, target: str) -> None:
    with httpx.Client(base_url=plane.url, trust_env=False) as client:
        csrf = client.get("/login").cookies["zigttp_csrf"]
        answer = client.post(
            "/login", data={"csrf": csrf, "token": plane.token, "next": target}
        )

    assert answer.headers["location"] == "/device"
