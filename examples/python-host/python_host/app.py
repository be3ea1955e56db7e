"""The Flask app: its own pages, Lifeline for everything about passwords."""

from __future__ import annotations

from urllib.parse import quote

from flask import Flask, jsonify, render_template, request

from .config import Config
from .lifeline import SESSION_COOKIE, LifelineUnavailable, who_is_signed_in
from .webhooks import EventLog, WebhookReceiver

MAX_WEBHOOK_BYTES = 64 * 1024


def create_app(config: Config, app_url: str) -> Flask:
    """Builds the app. ``app_url`` is its origin (no trailing slash), as Lifeline's
    ``server.redirect_allow_list`` names it."""
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = MAX_WEBHOOK_BYTES
    events = EventLog()
    receiver = WebhookReceiver(config.webhook_secret, events)
    back = quote(f"{app_url}/", safe="")

    @app.get("/")
    def home():
        try:
            signed_in = who_is_signed_in(config.lifeline_url, request.cookies.get(SESSION_COOKIE))
        except LifelineUnavailable as error:
            app.logger.error("asking Lifeline who is signed in failed: %s", error)
            return render_template("unavailable.html"), 502
        return render_template(
            "home.html", lifeline_url=config.lifeline_url, back=back, signed_in=signed_in
        )

    @app.post("/webhooks/lifeline")
    def webhook():
        # The raw body, not request.json: the signature covers the bytes as sent.
        status, body = receiver.receive(request.get_data(cache=False), request.headers)
        return (jsonify(body), status) if body else ("", status)

    @app.get("/events")
    def recorded_events():
        # What the app was told, for the example's test and for a person trying it.
        # A real app would act on the events (and not publish them).
        return jsonify({"events": events.events()})

    return app


def app_from_env() -> Flask:
    """The app configured from the environment, for a WSGI server
    (``gunicorn 'python_host:app_from_env()'``); ``APP_URL`` names the app's own URL."""
    config = Config.from_env()
    return create_app(config, config.app_url or f"http://{config.host}:{config.port}")
