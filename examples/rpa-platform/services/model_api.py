"""Model API: a tiny HTTP service used as a crank service deployment.

Environment:
    HOST             bind address (default 127.0.0.1)
    PORT             port (default 8080)
    APP_VERSION      reported by /health (default "dev")
    FAIL_HEALTH=1    make /health answer 503 (to exercise automatic rollback); FAIL_HEALTH=<host>
                     only on that host (CRANK_HOST, set by crank on remote hosts)
    MODEL_API_TOKEN  secret; its value is never logged, only whether it is set

Routes:
    GET /health  -> 200 {"status": "ok", "version": ...}  (503 when FAIL_HEALTH=1)
    GET /models  -> 200 [model descriptors]
    anything else -> 404 {"error": "not found", ...}
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MODELS = [
    {"id": "invoice-classifier", "version": "2.3.1", "task": "classification", "framework": "sklearn"},
    {"id": "ocr-layout", "version": "1.0.4", "task": "layout-detection", "framework": "onnx"},
    {"id": "doc-summarizer", "version": "0.9.0", "task": "summarization", "framework": "torch"},
]


def log(message: str) -> None:
    print(f"{datetime.now(timezone.utc).isoformat(timespec='seconds')} model-api {message}",
          file=sys.stderr, flush=True)


class Handler(BaseHTTPRequestHandler):
    server_version = "model-api"
    sys_version = ""

    def _send_json(self, status: int, payload: object) -> None:
        body = json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 - http.server naming
        path = self.path.split("?", 1)[0]
        if path == "/health":
            version = os.environ.get("APP_VERSION", "dev")
            if os.environ.get("FAIL_HEALTH") in ("1", os.environ.get("CRANK_HOST") or "1"):
                self._send_json(503, {"status": "failing", "version": version})
            else:
                self._send_json(200, {"status": "ok", "version": version})
        elif path == "/models":
            self._send_json(200, MODELS)
        else:
            self._send_json(404, {"error": "not found", "path": path})

    do_HEAD = do_GET

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        # Exactly one line per request.
        code_value = getattr(code, "value", code)
        log(f'{self.client_address[0]} "{self.command} {self.path}" {code_value}')

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        log(format % args)


def main() -> int:
    host = os.environ.get("HOST", "127.0.0.1")
    try:
        port = int(os.environ.get("PORT", "8080"))
    except ValueError:
        log(f"invalid PORT {os.environ.get('PORT')!r}")
        return 2

    try:
        server = ThreadingHTTPServer((host, port), Handler)
    except OSError as exc:
        log(f"cannot bind {host}:{port}: {exc}")
        return 1
    server.daemon_threads = True

    stop = threading.Event()

    def request_stop(signum: int, _frame: object) -> None:
        log(f"received {signal.Signals(signum).name}, shutting down")
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)

    token_state = "set" if os.environ.get("MODEL_API_TOKEN") else "not set"
    log(f"listening on http://{host}:{port} version={os.environ.get('APP_VERSION', 'dev')} "
        f"MODEL_API_TOKEN={token_state} fail_health={os.environ.get('FAIL_HEALTH') == '1'}")

    thread = threading.Thread(target=server.serve_forever, name="http", daemon=True)
    thread.start()
    while not stop.wait(0.5):
        if not thread.is_alive():  # serve_forever died unexpectedly
            log("server thread exited unexpectedly")
            server.server_close()
            return 1
    server.shutdown()
    server.server_close()
    log("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
