"""Child processes that are stopped when the test run ends, however it ends."""

from __future__ import annotations

import atexit
import re
import subprocess
import threading
import time
from typing import Callable, Sequence, TypeVar

T = TypeVar("T")

_running: set[subprocess.Popen] = set()


@atexit.register
def _kill_leftovers() -> None:
    for process in list(_running):
        process.kill()


class Child:
    """A started process whose output (stdout and stderr) is kept, for failure messages."""

    def __init__(self, name: str, args: Sequence[str], **options) -> None:
        self.name = name
        self._output: list[str] = []
        self._lock = threading.Lock()
        self.process = subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            **options,
        )
        _running.add(self.process)
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            with self._lock:
                self._output.append(line)

    @property
    def output(self) -> str:
        """Everything printed so far."""
        with self._lock:
            return "".join(self._output)

    def wait_for_output(self, pattern: str, timeout: float = 15.0) -> re.Match[str]:
        """Waits until the output matches ``pattern``; returns the match."""

        def probe() -> re.Match[str] | None:
            if self.process.poll() is not None:
                raise ChildExited(f"{self.name} exited:\n{self.output}")
            return re.search(pattern, self.output)

        return wait_for(f"{self.name} to print {pattern!r}", timeout, probe)

    def stop(self) -> None:
        """SIGTERM, then SIGKILL if it has not exited within 5 s."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        _running.discard(self.process)


class ChildExited(Exception):
    """A process the test needs has exited."""


def wait_for(what: str, timeout: float, probe: Callable[[], T | None]) -> T:
    """Calls ``probe`` every 50 ms until it returns a truthy value, which is returned; fails
    after ``timeout`` seconds naming what was awaited. A ``ChildExited`` ends the wait at once."""
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while True:
        try:
            value = probe()
            if value:
                return value
        except ChildExited:
            raise
        except Exception as error:  # noqa: BLE001 - kept for the timeout message
            last_error = error
        if time.monotonic() > deadline:
            detail = f": {last_error}" if last_error else ""
            raise TimeoutError(f"timed out waiting for {what}{detail}")
        time.sleep(0.05)
