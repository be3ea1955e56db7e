"""Asks Lifeline who is signed in, with the browser's own session cookie."""

from __future__ import annotations

from typing import Any

import httpx

SESSION_COOKIE = "lifeline_session"
"""The cookie Lifeline keeps its session in."""


class LifelineUnavailable(Exception):
    """Lifeline did not answer, or answered something other than 200 or 401."""


def who_is_signed_in(lifeline_url: str, session_cookie: str | None) -> dict[str, Any] | None:
    """The signed-in account as ``GET /api/v1/session`` answers it (``{"user": …, "session": …}``),
    or ``None`` when the browser has no Lifeline session or Lifeline answers 401.

    Only Lifeline's own cookie is forwarded, never the app's other cookies. Any other answer
    raises ``LifelineUnavailable``: an outage must not look like "signed out".
    """
    if not session_cookie:
        return None
    try:
        response = httpx.get(
            f"{lifeline_url}/api/v1/session",
            headers={"cookie": f"{SESSION_COOKIE}={session_cookie}", "accept": "application/json"},
            timeout=5.0,
        )
    except httpx.HTTPError as error:
        raise LifelineUnavailable(str(error)) from error
    if response.status_code == 401:
        return None
    if response.status_code != 200:
        raise LifelineUnavailable(f"GET /api/v1/session answered {response.status_code}")
    return response.json()
