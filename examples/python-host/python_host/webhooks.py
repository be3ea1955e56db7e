"""Lifeline's webhooks: verified with the Standard Webhooks check, de-duplicated by
``webhook-id``, and recorded."""

from __future__ import annotations

import json
import threading
from typing import Any, Mapping

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

REQUIRED_HEADERS = ("webhook-id", "webhook-timestamp", "webhook-signature")


class EventLog:
    """The events received so far, oldest first, each recorded once (safe across threads)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seen: set[str] = set()
        self._events: list[dict[str, Any]] = []

    def record(self, webhook_id: str, event: Mapping[str, Any]) -> bool:
        """Records an event unless its id was seen before; returns whether it was new."""
        with self._lock:
            if webhook_id in self._seen:
                return False
            self._seen.add(webhook_id)
            self._events.append(
                {
                    "id": webhook_id,
                    "type": event.get("type"),
                    "timestamp": event.get("timestamp"),
                    "data": event.get("data"),
                }
            )
            return True

    def events(self) -> list[dict[str, Any]]:
        """A copy of the recorded events."""
        with self._lock:
            return list(self._events)


class WebhookReceiver:
    """Checks one delivery: the raw body as received and its headers.

    The signature covers the bytes as sent, so the body must not be parsed and serialised
    again first. Answers 400 when a Standard Webhooks header is missing, 401 when the
    signature does not match or the timestamp is more than five minutes away (a replayed
    delivery), and 204 otherwise. A delivery seen before (Lifeline retries until it gets a
    2xx) is answered 204 again and recorded once.
    """

    def __init__(self, secret: str, log: EventLog) -> None:
        self._webhook = Webhook(secret)
        self._log = log

    def receive(self, body: bytes, headers: Mapping[str, str]) -> tuple[int, dict[str, str] | None]:
        """The status and JSON body to answer a delivery with."""
        wanted = {name: headers.get(name) for name in REQUIRED_HEADERS}
        if not all(wanted.values()):
            return 400, {"error": "missing_headers"}
        try:
            event = self._webhook.verify(body, wanted)
        except WebhookVerificationError:
            return 401, {"error": "invalid_signature"}
        except (ValueError, json.JSONDecodeError):
            # A signed body that is not JSON: Lifeline never sends one.
            return 400, {"error": "invalid_body"}
        if not isinstance(event, dict):
            return 400, {"error": "invalid_body"}
        self._log.record(str(wanted["webhook-id"]), event)
        return 204, None
