"""Document converter worker: a long-running crank worker deployment.

Every POLL_SECONDS it converts INBOX_DIR/*.md to OUTBOX_DIR/<name>.html with
pandoc and moves each converted source to INBOX_DIR/done/. Sources pandoc
fails on are moved to INBOX_DIR/failed/ so they are not retried forever.

Environment:
    POLL_SECONDS  poll interval in seconds (default 2)
    INBOX_DIR     input directory (default ./inbox)
    OUTBOX_DIR    output directory (default ./outbox)
    PORT          if set, serve GET /health on 127.0.0.1:PORT (HOST overrides the address):
                  200 when pandoc is on PATH, else 503
    PANDOC_TIMEOUT  seconds allowed per conversion (default 120)

Live config (`crank reload`): POST /admin/config takes crank's JSON payload
({"release": ..., "env": {...}, ...}) and applies POLL_SECONDS, PANDOC_TIMEOUT and
LOG_LEVEL from its "env" without a restart: 200 with what it now runs with, or 422
with the reason when a value is invalid (nothing is applied then). GET /config shows
the settings in force.

SIGTERM/SIGINT finish the current file and exit 0.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


def log(message: str) -> None:
    print(f"{datetime.now(timezone.utc).isoformat(timespec='seconds')} doc-converter {message}",
          file=sys.stderr, flush=True)


def parse_positive(name: str, raw: str | None, default: float) -> float:
    """A positive number from an env value; ValueError names the variable."""
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{name} must be a number, got {raw!r}") from None
    if value <= 0:
        raise ValueError(f"{name} must be positive, got {raw!r}")
    return value


def env_float(name: str, default: float) -> float:
    try:
        return parse_positive(name, os.environ.get(name), default)
    except ValueError as exc:
        raise SystemExit(f"doc-converter: {exc}")


class Settings:
    """What the worker runs with; replaced as a whole by a config update."""

    def __init__(self, poll: float, timeout: float, log_level: str, release: str | None) -> None:
        self.lock = threading.Lock()
        self.values = {"poll_seconds": poll, "pandoc_timeout": timeout, "log_level": log_level, "release": release}
        self.changed = threading.Event()  # wakes the poll loop so a new interval applies at once

    def get(self, key: str):
        with self.lock:
            return self.values[key]

    def snapshot(self) -> dict:
        with self.lock:
            return dict(self.values)

    def apply(self, payload: dict) -> dict:
        """Validates every value first, then applies them together (all or nothing)."""
        env = payload.get("env")
        if not isinstance(env, dict):
            raise ValueError("the payload has no env object")
        with self.lock:
            new = dict(self.values)
        new["poll_seconds"] = parse_positive("POLL_SECONDS", env.get("POLL_SECONDS"), 2.0)
        new["pandoc_timeout"] = parse_positive("PANDOC_TIMEOUT", env.get("PANDOC_TIMEOUT"), 120.0)
        new["log_level"] = str(env.get("LOG_LEVEL", "info"))
        new["release"] = payload.get("release")
        with self.lock:
            self.values = new
        self.changed.set()
        return dict(new)


SETTINGS: Settings | None = None


class HealthHandler(BaseHTTPRequestHandler):
    server_version = "doc-converter"
    sys_version = ""

    def do_POST(self) -> None:  # noqa: N802 - http.server naming
        if self.path.split("?", 1)[0] != "/admin/config" or SETTINGS is None:
            return self.reply(404, {"error": "not found"})
        try:
            length = int(self.headers.get("Content-Length", "0"))
            payload = json.loads(self.rfile.read(length) or b"{}")
            applied = SETTINGS.apply(payload)
        except (ValueError, TypeError) as exc:  # json.JSONDecodeError is a ValueError
            log(f"config update rejected: {exc}")
            return self.reply(422, {"error": str(exc)})
        log(f"config {applied['release']} applied: poll {applied['poll_seconds']:g}s, "
            f"pandoc timeout {applied['pandoc_timeout']:g}s, log level {applied['log_level']}")
        self.reply(200, {"applied": applied})

    def reply(self, status: int, payload: dict) -> None:
        body = json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 - http.server naming
        if self.path.split("?", 1)[0] == "/config" and SETTINGS is not None:
            return self.reply(200, SETTINGS.snapshot())
        if self.path.split("?", 1)[0] != "/health":
            status, payload = 404, {"error": "not found"}
        else:
            pandoc = shutil.which("pandoc")
            if pandoc:
                status, payload = 200, {"status": "ok", "pandoc": pandoc}
            elif os.environ.get("ALLOW_MISSING_PANDOC") == "1":
                # dev only: serve (and report) a degraded worker rather than none at all
                status, payload = 200, {"status": "degraded", "reason": "pandoc not found on PATH"}
            else:
                status, payload = 503, {"status": "unavailable", "reason": "pandoc not found on PATH"}
        body = json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        log(f"health {self.client_address[0]} {format % args}")


def start_health_server(port: int) -> ThreadingHTTPServer:
    host = os.environ.get("HOST", "127.0.0.1")
    server = ThreadingHTTPServer((host, port), HealthHandler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="health", daemon=True).start()
    log(f"health endpoint on http://{host}:{port}/health")
    return server


_warned_missing_pandoc = threading.Event()


def convert_once(inbox: Path, outbox: Path, timeout: float, stop: threading.Event) -> int:
    """Convert every pending markdown file; return how many were converted."""
    if not inbox.is_dir():
        return 0
    sources = sorted(p for p in inbox.glob("*.md") if p.is_file())
    if not sources:
        return 0
    pandoc = shutil.which("pandoc")
    if pandoc is None:
        if not _warned_missing_pandoc.is_set():  # warn once, not every poll
            log(f"{len(sources)} file(s) waiting but pandoc is not on PATH")
            _warned_missing_pandoc.set()
        return 0
    _warned_missing_pandoc.clear()
    outbox.mkdir(parents=True, exist_ok=True)
    converted = 0
    for src in sources:
        if stop.is_set():
            break
        dest = outbox / f"{src.stem}.html"
        try:
            result = subprocess.run(
                [pandoc, "--standalone", "--metadata", f"title={src.stem}", str(src), "-o", str(dest)],
                capture_output=True, text=True, timeout=timeout,
            )
        except subprocess.TimeoutExpired:
            log(f"timeout converting {src.name} after {timeout:g}s; will retry")
            continue
        if result.returncode == 0:
            target_dir = inbox / "done"
            converted += 1
            log(f"converted {src.name} -> {dest}")
        else:
            target_dir = inbox / "failed"
            log(f"pandoc failed on {src.name} (exit {result.returncode}): {result.stderr.strip()[:300]}")
        target_dir.mkdir(exist_ok=True)
        src.replace(target_dir / src.name)
    return converted


def main() -> int:
    global SETTINGS
    SETTINGS = Settings(env_float("POLL_SECONDS", 2.0), env_float("PANDOC_TIMEOUT", 120.0),
                        os.environ.get("LOG_LEVEL", "info"), os.environ.get("CRANK_RELEASE"))
    inbox = Path(os.environ.get("INBOX_DIR", "./inbox"))
    outbox = Path(os.environ.get("OUTBOX_DIR", "./outbox"))

    stop = threading.Event()

    def request_stop(signum: int, _frame: object) -> None:
        log(f"received {signal.Signals(signum).name}, stopping")
        stop.set()
        SETTINGS.changed.set()  # wakes the poll wait

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)

    health = None
    port_raw = os.environ.get("PORT")
    if port_raw:
        try:
            health = start_health_server(int(port_raw))
        except ValueError:
            log(f"invalid PORT {port_raw!r}")
            return 2
        except OSError as exc:
            log(f"cannot bind health port {port_raw}: {exc}")
            return 1

    log(f"watching {inbox} every {SETTINGS.get('poll_seconds'):g}s, writing to {outbox}; "
        f"pandoc {'found' if shutil.which('pandoc') else 'NOT found'} on PATH")
    while not stop.is_set():
        try:
            convert_once(inbox, outbox, SETTINGS.get("pandoc_timeout"), stop)
        except OSError as exc:  # e.g. a file vanished or a directory is not writable
            log(f"error during poll: {exc}")
        SETTINGS.changed.clear()
        if stop.is_set():
            break
        SETTINGS.changed.wait(SETTINGS.get("poll_seconds"))  # a config update cuts the wait short

    if health is not None:
        health.shutdown()
        health.server_close()
    log("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
