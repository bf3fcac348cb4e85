"""Release-engine benchmark (part of `make bench`): prints a markdown section.

1. 20 services, each taking 0.5 s to start listening: `crank deploy --jobs 8` against
   `--jobs 1` (fresh environment each run; median of 3). Goal: >= 5x faster.
2. Rollback of one service against that service's own start-to-healthy time, measured
   directly in the same run (median of 5). Goal: rollback - start <= 0.5 s.

Usage: python3 scripts/bench/deploy_bench.py CRANK_BINARY
"""
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

SERVICE = '''
import http.server, os, signal, threading, time
time.sleep(float(os.environ.get("START_DELAY", "0.5")))
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = os.environ.get("VERSION", "1").encode()
        self.send_response(200); self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
    def log_message(self, *a): pass
s = http.server.ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), H)
signal.signal(signal.SIGTERM, lambda *a: threading.Thread(target=s.shutdown).start())
s.serve_forever(poll_interval=0.05)
'''


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def project(count):
    root = tempfile.mkdtemp(prefix="crank-deploy-bench.")
    with open(os.path.join(root, "service.py"), "w") as handle:
        handle.write(SERVICE)
    lines = ["project: bench", "environments: {dev: {target: local}}", "deployments:"]
    for index in range(count):
        port = free_port()
        lines.append(f"  s{index}: {{command: [python3, service.py], port: {port}, "
                     f"env: {{PORT: \"{port}\", VERSION: \"${{VERSION:-1}}\"}}, health: {{path: /, timeout: 20}}}}")
    with open(os.path.join(root, "crank.yaml"), "w") as handle:
        handle.write("\n".join(lines) + "\n")
    return root


def crank(binary, root, *arguments, env=None):
    started = time.monotonic()
    result = subprocess.run([binary, *arguments, "-C", root], capture_output=True, text=True,
                            env={**os.environ, **(env or {})})
    if result.returncode != 0:
        raise SystemExit(f"crank {' '.join(arguments)} failed: {result.stderr}")
    return time.monotonic() - started


def direct_start(root):
    """Seconds from spawning the service to its first successful HTTP answer."""
    port = free_port()
    started = time.monotonic()
    process = subprocess.Popen([sys.executable, "service.py"], cwd=root, env={**os.environ, "PORT": str(port)},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1).read()
                return time.monotonic() - started
            except OSError:
                time.sleep(0.01)
    finally:
        process.terminate()
        process.wait()


def main():
    binary = sys.argv[1]
    results = {}
    for jobs in (1, 8):
        samples = []
        for _ in range(3):
            root = project(20)
            try:
                samples.append(crank(binary, root, "deploy", "--env", "dev", "--jobs", str(jobs)))
            finally:
                crank(binary, root, "clean", "--env", "dev", "--yes")
        results[jobs] = statistics.median(samples)
    speedup = results[1] / results[8]

    root = project(1)
    rollbacks, starts = [], []
    try:
        crank(binary, root, "deploy", "--env", "dev")
        for run in range(5):
            crank(binary, root, "deploy", "--env", "dev", env={"VERSION": f"v{run + 2}"})
            rollbacks.append(crank(binary, root, "rollback", "--env", "dev"))
            starts.append(direct_start(root))
    finally:
        crank(binary, root, "clean", "--env", "dev", "--yes")
    rollback, start = statistics.median(rollbacks), statistics.median(starts)
    overhead = rollback - start

    print(f"""
## Release engine (local target)

Measured by `make bench` (`scripts/bench/deploy_bench.py`) in the same run, on the same machine.
Services are stdlib HTTP servers that take 0.5 s to start listening and stop within 50 ms of
SIGTERM (`serve_forever(poll_interval=0.05)`; the standard library's default would add up to
0.5 s to every stop, which a rollback of a service on a fixed port has to wait for); health check `GET /`.

| measurement | median |
|---|---:|
| deploy 20 services, `--jobs 1` (3 runs) | {results[1]:.2f} s |
| deploy 20 services, `--jobs 8` (3 runs) | {results[8]:.2f} s |
| `crank rollback` of one service (5 runs) | {rollback:.2f} s |
| the same service started directly, spawn → first HTTP 200 (5 runs) | {start:.2f} s |

| goal | criterion | measured | |
|---|---|---:|---|
| parallel deploy | jobs 1 / jobs 8 >= 5 | {speedup:.1f}x | **{"met" if speedup >= 5 else "not met"}** |
| rollback overhead | rollback - service start <= 0.5 s | {overhead:.2f} s | **{"met" if overhead <= 0.5 else "not met"}** |
""")
    json.dump({"jobs1": results[1], "jobs8": results[8], "rollback": rollback, "start": start}, sys.stderr)


if __name__ == "__main__":
    main()
