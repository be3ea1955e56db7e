"""The example beside the real Lifeline binary, walked as a browser would: a password reset
and a magic-link sign-in, then the webhooks they caused."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone

import httpx
from standardwebhooks.webhooks import Webhook

from support.browser import Browser
from support.lifeline import new_webhook_secret
from support.processes import wait_for

DEADLINE_SECS = 30.0


def recorded_events(app_url: str) -> list[dict]:
    return httpx.get(f"{app_url}/events").json()["events"]


def wait_for_event(app_url: str, what: str, matches) -> dict:
    """The first event the app recorded that ``matches``, waiting for it with a deadline."""

    def probe():
        return next((e for e in recorded_events(app_url) if matches(e)), None)

    return wait_for(f"the app to record {what}", DEADLINE_SECS, probe)


def test_a_password_reset_asked_from_the_apps_link_ends_signed_in_and_the_app_hears_of_it(running):
    email = "reset@example.com"
    running.lifeline.add_user(email, "the first password")
    browser = Browser()

    home = browser.get(f"{running.app_url}/")
    assert home.text("who") == "Not signed in."
    forgot = browser.get(home.link("forgot"))
    assert forgot.status == 200, forgot.html
    asked = browser.submit(forgot, "/password/forgot", email=email)
    assert asked.status == 200, asked.html

    link = running.sink.wait_for_link(email, f"{running.lifeline.url}/password/reset?token=", DEADLINE_SECS)
    form = browser.get(link)
    assert form.status == 200, form.html
    new_password = "a brand new passphrase"
    login = browser.submit(form, "/password/reset", password=new_password, password_confirm=new_password)
    assert login.status == 200, login.html
    account = browser.submit(login, "/login", email=email, password=new_password)
    assert account.status == 200, account.html
    assert account.url.startswith(running.lifeline.url)

    back = browser.get(f"{running.app_url}/")
    assert re.match(rf"^Signed in as {re.escape(email)} \(by password,", back.text("who") or ""), back.html
    changed = wait_for_event(
        running.app_url,
        "password.changed",
        lambda e: e["type"] == "password.changed" and e["data"]["email"] == email,
    )
    assert isinstance(changed["data"]["user_id"], int)
    signed_in = wait_for_event(
        running.app_url,
        "signin.succeeded by password",
        lambda e: e["type"] == "signin.succeeded" and e["data"]["email"] == email,
    )
    assert signed_in["data"]["method"] == "password"


def test_a_magic_link_asked_from_the_apps_link_lands_back_on_the_app_signed_in(running):
    email = "link@example.com"
    running.lifeline.add_user(email, "a password unused here")
    browser = Browser()

    home = browser.get(f"{running.app_url}/")
    ask = browser.get(home.link("magic-link"))
    assert ask.status == 200, ask.html
    asked = browser.submit(ask, "/magic-link", email=email)
    assert asked.status == 200, asked.html

    link = running.sink.wait_for_link(email, f"{running.lifeline.url}/magic-link/verify?token=", DEADLINE_SECS)
    verify = browser.get(link)
    assert verify.status == 200, verify.html
    landed = browser.submit(verify, "/magic-link/verify")

    assert landed.url == f"{running.app_url}/"
    assert landed.status == 200, landed.html
    assert re.match(rf"^Signed in as {re.escape(email)} \(by link,", landed.text("who") or ""), landed.html
    signed_in = wait_for_event(
        running.app_url,
        "signin.succeeded by link",
        lambda e: e["type"] == "signin.succeeded" and e["data"]["email"] == email,
    )
    assert signed_in["data"]["method"] == "link"


def test_the_webhook_receiver_refuses_forged_stale_and_unsigned_deliveries_and_records_a_retry_once(running):
    body = json.dumps(
        {
            "type": "account.deleted",
            "timestamp": datetime.now(timezone.utc).isoformat(),
            "data": {"user_id": 999, "email": "forged@example.com"},
        }
    )

    def signed(secret: str, webhook_id: str, at: datetime) -> dict[str, str]:
        return {
            "webhook-id": webhook_id,
            "webhook-timestamp": str(int(at.timestamp())),
            "webhook-signature": Webhook(secret).sign(webhook_id, at, body),
        }

    def post(headers: dict[str, str]) -> int:
        headers = {"content-type": "application/json", **headers}
        return httpx.post(f"{running.app_url}/webhooks/lifeline", headers=headers, content=body).status_code

    now = datetime.now(timezone.utc)
    forged = post(signed(new_webhook_secret(), "msg_forged", now))
    stale = post(signed(running.webhook_secret, "msg_stale", now - timedelta(minutes=10)))
    unsigned = post({"webhook-id": "msg_unsigned"})
    first = post(signed(running.webhook_secret, "msg_twice", now))
    retry = post(signed(running.webhook_secret, "msg_twice", now))

    assert (forged, stale, unsigned, first, retry) == (401, 401, 400, 204, 204)
    ids = [event["id"] for event in recorded_events(running.app_url)]
    assert not {"msg_forged", "msg_stale", "msg_unsigned"} & set(ids)
    assert ids.count("msg_twice") == 1
