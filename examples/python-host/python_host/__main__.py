"""Starts the example: ``LIFELINE_URL=… WEBHOOK_SECRET=whsec_… PORT=5000 python -m python_host``."""

from __future__ import annotations

import signal
import sys

from werkzeug.serving import make_server

from .app import create_app
from .config import Config


def main() -> int:
    try:
        config = Config.from_env()
    except ValueError as error:
        print(f"python-host: {error}", file=sys.stderr)
        return 2
    # Bind first: with PORT=0 the app's own URL is known only then.
    server = make_server(config.host, config.port, None, threaded=True)
    app_url = config.app_url or f"http://{config.host}:{server.port}"
    server.app = create_app(config, app_url)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"python-host listening on {app_url} (Lifeline at {config.lifeline_url})", flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
