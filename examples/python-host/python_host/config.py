"""The example's settings, read from the environment once at start-up."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Mapping


@dataclass(frozen=True)
class Config:
    """What the app needs to know about Lifeline and about itself."""

    lifeline_url: str
    """Lifeline's public address, e.g. ``https://id.example.com``."""
    webhook_secret: str
    """The endpoint's Standard Webhooks secret (``whsec_…``)."""
    port: int
    """The port to listen on (0 picks a free one)."""
    host: str = "127.0.0.1"
    """The address to listen on."""
    app_url: str | None = None
    """The app's own absolute URL, as Lifeline's allow list names it (unset: from host and port)."""

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> Config:
        """Reads the configuration, or raises ``ValueError`` naming the variable at fault."""
        secret = env.get("WEBHOOK_SECRET", "")
        if not secret.startswith("whsec_"):
            raise ValueError(
                "WEBHOOK_SECRET must be set to the endpoint's secret (whsec_…), "
                "as in Lifeline's [[webhooks.endpoints]]"
            )
        raw_port = env.get("PORT", "5000")
        if not raw_port.isdigit() or int(raw_port) > 65535:
            raise ValueError(f"PORT must be a port number, not {raw_port!r}")
        app_url = env.get("APP_URL")
        return cls(
            lifeline_url=env.get("LIFELINE_URL", "http://127.0.0.1:8080").rstrip("/"),
            webhook_secret=secret,
            port=int(raw_port),
            host=env.get("HOST", "127.0.0.1"),
            app_url=app_url.rstrip("/") if app_url else None,
        )
