"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps every mail it receives."""

from __future__ import annotations

import email
import email.policy
import re
import threading

from aiosmtpd.controller import Controller

from .processes import wait_for


class _FreePortController(Controller):
    """aiosmtpd's controller, listening on a port the system picks (port 0)."""

    def _trigger_server(self) -> None:
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


class SmtpSink:
    """Every mail received, as (recipients, subject, plain text)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._mails: list[tuple[list[str], str, str]] = []
        self._controller = _FreePortController(self, hostname="127.0.0.1", port=0)

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's name
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        body = message.get_body(preferencelist=("plain",))
        text = body.get_content() if body is not None else ""
        with self._lock:
            self._mails.append((list(envelope.rcpt_tos), str(message["subject"]), text))
        return "250 OK"

    def start(self) -> SmtpSink:
        self._controller.start()
        return self

    @property
    def port(self) -> int:
        return self._controller.port

    def wait_for_link(self, to: str, prefix: str, timeout: float = 20.0) -> str:
        """Waits for a mail to ``to`` whose text holds a link starting with ``prefix``."""
        pattern = re.compile(re.escape(prefix) + r"[^\s<>\"]*")

        def probe() -> str | None:
            with self._lock:
                for recipients, _subject, text in self._mails:
                    found = to in recipients and pattern.search(text)
                    if found:
                        return found.group(0)
            return None

        return wait_for(f"a mail to {to} with a link {prefix}…", timeout, probe)

    def stop(self) -> None:
        self._controller.stop()
