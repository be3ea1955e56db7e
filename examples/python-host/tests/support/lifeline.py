"""The real Lifeline binary, configured as the example's README describes."""

from __future__ import annotations

import base64
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import httpx

from .processes import Child, ChildExited, wait_for

REPOSITORY_ROOT = Path(__file__).resolve().parents[4]
LIFELINE_BIN = REPOSITORY_ROOT / os.environ.get("LIFELINE_BIN", "target/debug/lifeline")
"""The binary under test: ``LIFELINE_BIN`` (relative to the repository root) or target/debug/lifeline."""


def new_webhook_secret() -> str:
    """A fresh Standard Webhooks secret: ``whsec_`` and base64 of 32 random bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def free_port() -> int:
    """A port that was free a moment ago (Lifeline's links need its port before it starts)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Lifeline:
    """``lifeline serve`` on ``port`` with SQLite in a temporary directory, mail to
    ``smtp_port``, the app's origin allow-listed for ``next`` and a webhook endpoint at the app."""

    def __init__(self, port: int, smtp_port: int, app_url: str, webhook_secret: str) -> None:
        if not LIFELINE_BIN.is_file():
            raise FileNotFoundError(
                f"no Lifeline binary at {LIFELINE_BIN}: run `cargo build -p lifeline-cli` or set LIFELINE_BIN"
            )
        self.dir = Path(tempfile.mkdtemp(prefix="lifeline-python-host-"))
        self.url = f"http://127.0.0.1:{port}"
        self.config = self.dir / "lifeline.toml"
        self.config.write_text(
            f"""[server]
bind = "127.0.0.1:{port}"
public_url = "{self.url}"
workers = 1
shutdown_timeout_secs = 1
redirect_allow_list = ["/account", "{app_url}"]

[database]
url = "sqlite://{self.dir / 'lifeline.db'}"

[keys]
dev_keys_file = "{self.dir / 'dev-keys.toml'}"

[mail]
from_address = "lifeline@example.com"

[mail.transport]
kind = "smtp"
host = "127.0.0.1"
port = {smtp_port}
tls = "none"
timeout_secs = 5

[mail.worker]
poll_interval_ms = 100

[password]
argon2_memory_kib = 4096
argon2_iterations = 1

[[webhooks.endpoints]]
name = "python-host"
url = "{app_url}/webhooks/lifeline"
secret = "{webhook_secret}"
events = ["password.changed", "signin.succeeded"]
"""
        )
        self.child: Child | None = None

    def env(self) -> dict[str, str]:
        """The environment every ``lifeline`` command runs with."""
        return {"PATH": os.environ.get("PATH", ""), "LIFELINE_CONFIG": str(self.config), "NO_COLOR": "1"}

    def start(self) -> Lifeline:
        """Starts the server; returns once ``/healthz`` answers."""
        self.child = Child("lifeline", [str(LIFELINE_BIN), "serve"], env=self.env())

        def healthy() -> bool:
            assert self.child is not None
            if self.child.process.poll() is not None:
                raise ChildExited(f"lifeline exited:\n{self.child.output}")
            return httpx.get(f"{self.url}/healthz", timeout=2.0).status_code == 200

        wait_for("Lifeline's /healthz", 30.0, healthy)
        return self

    def add_user(self, email: str, password: str) -> None:
        """``lifeline users add EMAIL``, the password on standard input."""
        done = subprocess.run(
            [str(LIFELINE_BIN), "users", "add", email],
            input=password + "\n",
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, f"lifeline users add {email}: {done.stdout}{done.stderr}"

    def stop(self) -> None:
        if self.child is not None:
            self.child.stop()
        shutil.rmtree(self.dir, ignore_errors=True)
