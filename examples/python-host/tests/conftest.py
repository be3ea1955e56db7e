"""The SMTP sink, the real Lifeline binary and the example app, started once for the tests
and stopped however they end."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from support.lifeline import Lifeline, free_port, new_webhook_secret
from support.processes import Child
from support.smtp_sink import SmtpSink

APP_DIR = Path(__file__).resolve().parents[1]


@dataclass
class Running:
    sink: SmtpSink
    lifeline: Lifeline
    app: Child
    app_url: str
    webhook_secret: str


@pytest.fixture(scope="session")
def running():
    webhook_secret = new_webhook_secret()
    sink = SmtpSink().start()
    lifeline_port = free_port()
    app = lifeline = None
    try:
        app = Child(
            "python-host",
            [sys.executable, "-m", "python_host"],
            cwd=APP_DIR,
            env={
                "PATH": os.environ.get("PATH", ""),
                "LIFELINE_URL": f"http://127.0.0.1:{lifeline_port}",
                "WEBHOOK_SECRET": webhook_secret,
                "PORT": "0",
                "PYTHONUNBUFFERED": "1",
            },
        )
        app_url = app.wait_for_output(r"listening on (http://\S+)").group(1)
        lifeline = Lifeline(lifeline_port, sink.port, app_url, webhook_secret)
        lifeline.start()
        yield Running(sink, lifeline, app, app_url, webhook_secret)
    finally:
        for child in (app, lifeline):
            if child is not None:
                child.stop()
        sink.stop()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """On a failure, show what Lifeline and the app printed."""
    report = yield
    running = item.funcargs.get("running") if hasattr(item, "funcargs") else None
    if report.failed and running is not None:
        assert running.lifeline.child is not None
        report.sections.append(("lifeline output", running.lifeline.child.output))
        report.sections.append(("python-host output", running.app.output))
    return report
