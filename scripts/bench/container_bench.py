"""The container target against bare podman (part of `make bench`; alone: `make bench-containers`):
deploy-to-healthy and rollback-to-healthy of one service, against `podman run` of the same image
plus the first successful HTTP probe, all measured in one run.

1. Two projects in a temporary directory, each a git repository with one `kind: container`
   service (busybox httpd serving www/, health check GET /health) and one environment `prod`
   with `target: container`: one with the default `strategy: recreate`, one with
   `strategy: blue-green` (crank's own nginx). Each gets a unique project name (so its images
   `localhost/<name>-web:*` and containers `<name>-web-rN` are its own) and a free port. Set-up,
   untimed: commit v1, `crank deploy` (r1).
2. N rounds; in each, timed one after the other (the order flips every round):
   - baseline: `podman run -d --init -p 127.0.0.1:HOST:PORT IMAGE` of the recreate project's
     live image, then GET /health every POLL s (crank's HealthGate.pollInterval, read from the
     source) until 200; the container is removed afterwards (untimed);
   - bare build: `podman build` of crank's generated Containerfile (its release label changed, so
     nothing past FROM is cached, as for crank's build of a new commit) on a copy of the project,
     then the baseline's run and probe;
   - per strategy: commit a new index.html (untimed), `crank deploy` (builds the image), `crank
     rollback` (the previous release's kept image), `crank deploy` again (the new commit's image
     already exists: no build). After each command the service must answer with the content of
     the release crank says is live, and the second deploy must not have rebuilt the image.
3. `podman inspect` timed 10 times (what one engine call costs here), then one more round per
   strategy with podman, nginx and git behind logging shims on PATH (untimed): which calls crank
   makes and how long each takes.
4. Writes everything to a JSON file; `report.py containers` turns it into BENCHMARKS.md's section.

Everything it creates (containers, images, crank's nginx, the temporary directory) is removed at
the end, also on errors and Ctrl-C; nothing else is touched. Progress goes to stderr.

Usage: python3 scripts/bench/container_bench.py CRANK_BINARY --out RESULTS.json [--runs N] [--keep]
(CONTAINERS_CONF must point at deployment/podman/containers.conf.)
"""
import argparse
import datetime
import http.client
import json
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from machine_load import busy_between, cpu_sample

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BASE_IMAGE = "localhost/crank-busybox:latest"
ENVIRONMENT = "prod"
STRATEGIES = ("recreate", "blue-green")
INSPECT_CALLS = 10
WATCH_INTERVAL = 0.02  # how often the public port is polled while a crank command runs
HTTP = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # 127.0.0.1 never goes through a proxy


def log(message):
    print(f"[container-bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def gate_poll_interval():
    """HealthGate.pollInterval, so the baseline polls exactly as often as crank's gate."""
    path = os.path.join(REPO, "Sources/DeployCore/Health/HealthGate.swift")
    match = re.search(r"pollInterval: TimeInterval = ([0-9.]+)", open(path).read())
    if not match:
        raise SystemExit(f"error: no `pollInterval: TimeInterval = …` in {path}; update container_bench.py")
    return float(match.group(1))


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_get(port, path, timeout=2):
    try:
        with HTTP.open(f"http://127.0.0.1:{port}{path}", timeout=timeout) as response:
            return response.status, response.read().decode(errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, ""
    except (OSError, http.client.HTTPException):  # refused, timed out, cut off mid-answer (a container stopping)
        return None, ""


def wait_healthy(port, interval, timeout=10):
    """Probes GET /health as crank's gate does: at once, then every `interval` s until 2xx."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status, _ = http_get(port, "/health")
        if status and 200 <= status < 300:
            return True
        time.sleep(interval)
    return False


class Watcher(threading.Thread):
    """Polls a port every WATCH_INTERVAL s while a command runs (crank's, and the baselines' too,
    so that both carry the same extra load): when it first serves `expected`, how many requests
    failed (no answer in 0.2 s, or not 200) and the longest stretch without a 200."""

    def __init__(self, port, expected):
        super().__init__(daemon=True)
        self.port, self.expected = port, expected
        self.stopping = threading.Event()
        self.started = time.monotonic()
        self.serving, self.requests, self.failed, self.outage = None, 0, 0, 0.0

    def run(self):
        down_since = None
        while not self.stopping.is_set():
            sent = time.monotonic()
            status, body = http_get(self.port, "/index.html", timeout=0.2)
            now = time.monotonic()
            self.requests += 1
            if status == 200:
                if down_since is not None:
                    self.outage, down_since = max(self.outage, now - down_since), None
                if self.serving is None and body.strip() == self.expected:
                    self.serving = now - self.started
            else:
                self.failed += 1
                down_since = sent if down_since is None else down_since
            self.stopping.wait(WATCH_INTERVAL)
        if down_since is not None:
            self.outage = max(self.outage, time.monotonic() - down_since)

    def finish(self):
        self.stopping.set()
        self.join()
        return {"serving": self.serving, "requests": self.requests, "failed": self.failed, "outage": self.outage}




def run(argv, env, output, cwd=None, timeout=300):
    """Output to a file, never a pipe: `podman run -d` leaves conmon holding the command's
    descriptors, and a reader waiting for EOF on a pipe would wait for the container's whole life."""
    with open(output, "a") as handle:
        return subprocess.run(argv, cwd=cwd, env=env, stdout=handle, stderr=handle, stdin=subprocess.DEVNULL, timeout=timeout).returncode


def capture(argv, env, cwd=None):
    """stdout of a command that starts no daemon."""
    result = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120)
    return result.returncode, result.stdout.strip()


class Project:
    """One crank project with one container service, in its own git repository."""

    def __init__(self, work, name, strategy, crank, env):
        self.root = os.path.join(work, strategy)
        self.name, self.strategy, self.crank_binary, self.env = name, strategy, crank, env
        self.port = free_port()
        self.repository = f"localhost/{name}-web"
        self.version = 0
        self.live = None  # (release id, content served)
        os.makedirs(os.path.join(self.root, "www"))
        strategy_key = "" if strategy == "recreate" else f", strategy: {strategy}"
        files = {
            "crank.yaml": f"""# Generated by scripts/bench/container_bench.py: one container service.
project: {name}
deployments:
  web:
    kind: container
    command: [httpd, -f, -p, "{self.port}", -h, /app/www]
    port: {self.port}
    health: {{path: /health, timeout: 10}}
environments:
  {ENVIRONMENT}:
    target: container
    container: {{engine: podman, base_image: "{BASE_IMAGE}", keep_images: 5{strategy_key}}}
""",
            ".gitignore": ".crank/\n",
            "www/health": "ok\n",
        }
        for path, text in files.items():
            with open(os.path.join(self.root, path), "w") as handle:
                handle.write(text)
        self.git("init", "-q")
        self.commit()

    def git(self, *arguments):
        subprocess.run(["git", "-c", "user.name=crank-bench", "-c", "user.email=bench@localhost", "-c", "commit.gpgsign=false",
                        *arguments], cwd=self.root, check=True, stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL)

    def commit(self):
        """A new commit with a new index.html; returns its content."""
        self.version += 1
        content = f"{self.name} v{self.version}"
        with open(os.path.join(self.root, "www", "index.html"), "w") as handle:
            handle.write(content + "\n")
        self.git("add", "-A")
        self.git("commit", "-qm", f"v{self.version}")
        self.content = content
        return content

    def head_image(self):
        _, sha = capture(["git", "rev-parse", "HEAD"], self.env, cwd=self.root)
        return f"{self.repository}:git-{sha[:12]}"

    def image_id(self, reference):
        code, out = capture(["podman", "image", "inspect", "--format", "{{.Id}}", reference], self.env)
        return out if code == 0 else None

    def crank(self, arguments, output, env=None, expected=None):
        """Wall seconds, exit code, the JSON document (or None), how busy the machine was, and what
        a Watcher saw on the public port meanwhile (with `expected`: the content the command should bring)."""
        machine = cpu_sample()
        with open(output, "w") as out, open(output + ".err", "w") as err:
            watcher = Watcher(self.port, expected) if expected else None
            started = time.monotonic()
            if watcher:
                watcher.started = started
                watcher.start()
            code = subprocess.run([self.crank_binary, *arguments], cwd=self.root, env=env or self.env, stdout=out, stderr=err,
                                  stdin=subprocess.DEVNULL, timeout=300).returncode
            seconds = time.monotonic() - started
            watched = watcher.finish() if watcher else None
        busy = busy_between(machine, cpu_sample())
        try:
            document = json.load(open(output))
        except ValueError:
            document = None
        return seconds, code, document, busy, watched

    def served(self):
        status, body = http_get(self.port, "/index.html")
        return body.strip() if status == 200 else f"HTTP {status}"

    def check(self, code, document, status, content, output):
        """What is wrong after a crank command (empty: nothing)."""
        problems = []
        if code != 0:
            tail = open(output + ".err", errors="replace").read().strip().splitlines()[-1:]
            problems.append(f"exit {code}" + (f": {tail[0]}" if tail else ""))
        if not document or document.get("status") != status:
            problems.append(f"status {document.get('status') if document else None!r}, wanted {status!r}")
        failure = (document or {}).get("failure")
        if failure:  # crank's own account of what went wrong, e.g. a failed build
            observed = " ".join(str(failure.get("observed", "")).split())
            problems.insert(0, f"{failure.get('check')} check: …{observed[-160:]}")
        got = self.served()
        if got != content:
            problems.append(f"port {self.port} serves {got!r}, wanted {content!r}")
        return problems

    def live_container(self):
        _, out = capture(["podman", "ps", "--filter", f"label=crank.project={self.name}", "--format", "{{.Names}}"], self.env)
        return out.splitlines()[0] if out else None

    def clean(self, logs):
        """crank clean (containers, nginx, history), then whatever of ours is left: containers, images."""
        pid_file = os.path.join(self.root, ".crank", "state", "proxy", ENVIRONMENT, "nginx.pid")
        nginx = open(pid_file).read().strip() if os.path.exists(pid_file) else None
        run([self.crank_binary, "clean", "--env", ENVIRONMENT, "--yes"], self.env, os.path.join(logs, f"{self.strategy}-clean.log"), cwd=self.root)
        if nginx and nginx.isdigit() and os.path.exists(f"/proc/{nginx}"):
            with open(f"/proc/{nginx}/cmdline", "rb") as handle:
                ours = self.root.encode() in handle.read()
            if ours:  # our own nginx (its prefix is in our directory), stopped by its pid
                os.kill(int(nginx), signal.SIGQUIT)
        for name in listing(["podman", "ps", "-a", "--filter", f"label=crank.project={self.name}", "--format", "{{.Names}}"], self.env):
            capture(["podman", "rm", "-f", name], self.env)
        ours = [reference for reference in listing(["podman", "images", "--format", "{{.Repository}}:{{.Tag}}"], self.env)
                if reference.startswith(f"localhost/{self.name}-")]
        for reference in ours:
            code, out = capture(["podman", "rmi", reference], self.env)
            if code != 0:
                log(f"warning: podman rmi {reference}: exit {code} {out}")


def listing(argv, env, attempts=5):
    """Lines of a podman listing. Another user's podman removing images at the same moment can
    make a listing fail (`image not known`): retried."""
    for attempt in range(attempts):
        code, out = capture(argv, env)
        if code == 0:
            return out.split()
        time.sleep(0.5 * (attempt + 1))
    log(f"warning: `{' '.join(argv)}` kept failing: {out}")
    return []


def baseline(podman_env, image, container_port, interval, name, logs, expected, build=None):
    """Seconds from `podman run -d` (or `podman build`, when `build` = (containerfile, context, tag))
    to the first 2xx on /health (None if it never got there), how busy the machine was, and what a
    Watcher saw. The container and the built image are removed afterwards, untimed."""
    host_port = free_port()
    output = os.path.join(logs, f"{name}.log")
    machine = cpu_sample()
    watcher = Watcher(host_port, expected)
    started = watcher.started = time.monotonic()
    watcher.start()
    try:
        if build and run(["podman", "build", "-t", build[2], "-f", build[0], build[1]], podman_env, output) != 0:
            return None, busy_between(machine, cpu_sample()), watcher.finish()
        if run(["podman", "run", "-d", "--name", name, "--init", "-p", f"127.0.0.1:{host_port}:{container_port}",
                build[2] if build else image], podman_env, output) != 0:
            return None, busy_between(machine, cpu_sample()), watcher.finish()
        healthy = wait_healthy(host_port, interval)
        seconds = time.monotonic() - started
        return (seconds if healthy else None), busy_between(machine, cpu_sample()), watcher.finish()
    finally:
        if watcher.is_alive():
            watcher.finish()
        capture(["podman", "rm", "-f", "-t", "0", name], podman_env)
        if build:
            capture(["podman", "rmi", build[2]], podman_env)


def bare_build_inputs(project, work, round_index):
    """A copy of the project and crank's Containerfile with its release label changed (so the
    build cannot reuse crank's layers past FROM, like crank's own build of a new commit)."""
    context = os.path.join(work, f"bare-{round_index}")
    shutil.rmtree(context, ignore_errors=True)
    shutil.copytree(project.root, context, symlinks=True)
    containerfile = os.path.join(context, ".crank", "build", ENVIRONMENT, "containers", "web", "Containerfile")
    text, count = re.subn(r'crank\.release="[^"]*"', f'crank.release="bare-{round_index}-{secrets.token_hex(4)}"', open(containerfile).read())
    if count != 1:
        raise RuntimeError(f"no crank.release label in {containerfile}")
    with open(containerfile, "w") as handle:
        handle.write(text)
    return containerfile, context, f"localhost/{project.name}-bare:{round_index}"


def strategy_round(project, round_index, logs, record, env=None, label=""):
    """deploy (new commit, builds) → rollback → deploy (image already built); records each."""
    previous = project.live
    content = project.commit()
    image = project.head_image()
    existed = project.image_id(image)

    def step(kind, arguments, status, expected):
        output = os.path.join(logs, f"{project.strategy}-{round_index}{label}-{kind}.json")
        seconds, code, document, busy, watched = project.crank(arguments, output, env, expected=expected)
        return project.check(code, document, status, expected, output), document or {}, (seconds, busy, watched)

    deploy = ["deploy", "--env", ENVIRONMENT, "--reason", "bench", "--json"]
    problems, document, measured = step("deploy-new", deploy, "live", content)
    if existed:
        problems.append(f"{image} existed before the deploy: nothing was built")
    record(project.strategy, "deploy-new", problems, *measured)
    if problems:
        # What follows would only measure the consequences: skipped, and the next round starts
        # from whatever is live now.
        for kind in ("rollback", "deploy-built"):
            record(project.strategy, kind, ["skipped: the deploy before it failed"], None, None, skipped=True)
        if document.get("status") == "live":
            project.live = (document.get("release"), content)
        return
    new = document.get("release")
    built_id = project.image_id(image)

    problems, document, measured = step("rollback", ["rollback", "--env", ENVIRONMENT, "--json"], "rolled-back", previous[1])
    if document.get("release") != previous[0]:
        problems.append(f"rolled back to {document.get('release')}, wanted {previous[0]}")
    # Releases recorded when the rollback starts (crank checks an image per earlier release).
    history = int(new[1:]) if new and new[1:].isdigit() else None
    record(project.strategy, "rollback", problems, *measured, history=history)

    problems, document, measured = step("deploy-built", deploy, "live", content)
    if not built_id or project.image_id(image) != built_id:
        problems.append(f"{image} was rebuilt (or is gone)")
    if document.get("release") in (None, new):
        problems.append(f"release {document.get('release')}: wanted a new one")
    record(project.strategy, "deploy-built", problems, *measured)
    project.live = (document.get("release"), content)


def write_shims(directory, trace_log):
    """podman, nginx and git wrappers that log start, end and argv of every call (bash builtins only)."""
    os.makedirs(directory)
    for tool in ("podman", "nginx", "git"):
        real = shutil.which(tool)
        path = os.path.join(directory, tool)
        with open(path, "w") as handle:
            handle.write(f'#!/bin/bash\nstart=$EPOCHREALTIME\n{shlex.quote(real)} "$@"\nstatus=$?\n'
                         f'printf \'%s %s {tool} %s\\n\' "$start" "$EPOCHREALTIME" "$*" >> {shlex.quote(trace_log)}\nexit $status\n')
        os.chmod(path, 0o755)


def verb(tool, arguments):
    if tool == "podman":
        words = [word for word in arguments if not word.startswith("-")]
        return "podman " + " ".join(words[:2] if words and words[0] in ("image", "container", "system") else words[:1])
    if tool == "nginx":
        if "-t" in arguments:
            return "nginx -t"
        if "-s" in arguments:
            return "nginx -s " + arguments[arguments.index("-s") + 1]
        return "nginx (start)"
    words = arguments[2:] if arguments[:1] == ["-C"] else arguments
    return "git " + (words[0] if words else "")


def read_trace(trace_log, since):
    calls = []
    with open(trace_log) as handle:
        for line in handle.readlines()[since:]:
            start, end, tool, *arguments = line.split()
            calls.append({"call": verb(tool, arguments), "tool": tool, "start": float(start), "seconds": float(end) - float(start)})
    return calls


class Tracer:
    """A `record` callback for strategy_round: the calls logged since the previous command are this one's."""

    def __init__(self, path):
        self.path, self.seen, self.found = path, 0, {}
        open(path, "w").close()

    def __call__(self, strategy, kind, problems, seconds, busy, watched=None, history=None, skipped=False):
        calls = read_trace(self.path, self.seen)
        self.seen += len(calls)
        self.found[f"{strategy}/{kind}"] = {"wall": seconds, "ok": not problems, "problems": problems[:3], "calls": calls,
                                            "watched": watched, "history": history, "skipped": skipped}
        log(f"traced: {strategy}/{kind:<13} " + (f"{seconds:6.2f} s, {len(calls)} calls" if seconds is not None else "skipped")
            + ("" if not problems else f"  FAILED: {problems[0]}"))


def interrupted(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("crank", help="the crank binary (release build)")
    parser.add_argument("--out", required=True, help="where the measurements go (JSON)")
    parser.add_argument("--runs", type=int, default=5, help="timed rounds (default 5)")
    parser.add_argument("--keep", action="store_true", help="keep the projects and logs")
    args = parser.parse_args()
    crank = os.path.abspath(args.crank)
    if not os.environ.get("CONTAINERS_CONF"):
        raise SystemExit("error: set CONTAINERS_CONF (deployment/podman/containers.conf: runc and lower ulimits)")
    interval = gate_poll_interval()
    began = time.monotonic()
    started_at = datetime.datetime.now(datetime.timezone.utc)
    first = cpu_sample()
    time.sleep(2)
    busy_before = busy_between(first, cpu_sample())
    log(f"CPUs busy in the 2 s before starting: {busy_before:.0%}; gate poll interval {interval * 1000:g} ms")

    work = tempfile.mkdtemp(prefix="crank-container-bench.")
    logs = os.path.join(work, "logs")
    os.makedirs(logs)
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("CRANK_STATE_DIR", None)
    base = f"cbench-{secrets.token_hex(3)}"
    signal.signal(signal.SIGTERM, interrupted)
    projects, samples, trace, inspect_times = {}, [], {}, []
    try:
        for strategy in STRATEGIES:
            project = Project(work, f"{base}-{'rc' if strategy == 'recreate' else 'bg'}", strategy, crank, env)
            projects[strategy] = project
            output = os.path.join(logs, f"{strategy}-setup.json")
            seconds, code, document, _, _ = project.crank(["deploy", "--env", ENVIRONMENT, "--reason", "bench set-up", "--json"], output)
            problems = project.check(code, document, "live", project.content, output)
            if problems:
                raise RuntimeError(f"set-up deploy of {project.name} ({strategy}): {'; '.join(problems)}; see {output}.err")
            project.live = (document["release"], project.content)
            log(f"{strategy}: project {project.name} on 127.0.0.1:{project.port}, first deploy {seconds:.2f} s")
        recreate = projects["recreate"]
        baseline(env, recreate.head_image(), recreate.port, interval, f"{base}-baseline", logs, recreate.content)  # warm-up, untimed

        def record(strategy, kind, problems, seconds, busy, watched=None, history=None, skipped=False):
            samples.append({"round": current, "measurement": kind if strategy is None else f"{strategy}/{kind}",
                            "seconds": seconds, "ok": not problems, "problems": problems[:3], "machine_busy": busy,
                            "watched": watched, "history": history, "skipped": skipped})
            log(f"round {current + 1}: {samples[-1]['measurement']:<24} "
                + (f"{seconds:6.2f} s" if seconds is not None else "     -  ") + ("" if not problems else f"  FAILED: {'; '.join(problems[:2])}"))

        def baselines():
            image = recreate.head_image()
            seconds, busy, watched = baseline(env, image, recreate.port, interval, f"{base}-baseline", logs, recreate.content)
            record(None, "baseline", [] if seconds is not None else ["never healthy (see logs)"], seconds, busy, watched)
            containerfile, context, tag = bare_build_inputs(recreate, work, current)
            seconds, busy, watched = baseline(env, None, recreate.port, interval, f"{base}-bare", logs, recreate.content,
                                              build=(containerfile, context, tag))
            record(None, "bare-build", [] if seconds is not None else ["build, start or probe failed (see logs)"], seconds, busy, watched)
            shutil.rmtree(context, ignore_errors=True)

        for current in range(args.runs):
            steps = [baselines] + [lambda p=projects[s]: strategy_round(p, current, logs, record) for s in STRATEGIES]
            for step in steps if current % 2 == 0 else reversed(steps):
                step()

        name = recreate.live_container()
        for _ in range(INSPECT_CALLS):
            started = time.monotonic()
            code, _ = capture(["podman", "inspect", "--type", "container", "--format", "{{.State.Running}}", name], env)
            if code == 0:
                inspect_times.append(time.monotonic() - started)

        # One more round per strategy with logging shims in front of podman, nginx and git (untimed).
        tracer = Tracer(os.path.join(work, "trace.log"))
        write_shims(os.path.join(work, "shims"), tracer.path)
        traced_env = {**env, "PATH": os.path.join(work, "shims") + os.pathsep + env.get("PATH", "")}
        for strategy in STRATEGIES:
            strategy_round(projects[strategy], args.runs, logs, tracer, env=traced_env, label="-traced")
        trace = tracer.found
    finally:
        for project in projects.values():
            project.clean(logs)
        capture(["podman", "rm", "-f", f"{base}-baseline", f"{base}-bare"], env)
        log(f"removed the containers, images and nginx of {', '.join(p.name for p in projects.values()) or 'nothing'}")
        if args.keep:
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)

    def version(argv):
        code, out = capture(argv, env)
        return (out.splitlines() or ["unknown"])[0] if code == 0 else "unknown"

    _, image_size = capture(["podman", "image", "inspect", "--format", "{{.Size}}", BASE_IMAGE], env)
    summary = {}
    for sample in samples:
        summary.setdefault(sample["measurement"], []).append(sample)
    summary = {name: {"runs": len(group), "verified": sum(s["ok"] for s in group), "skipped": sum(s["skipped"] for s in group),
                      "median": statistics.median(s["seconds"] for s in group if s["ok"]) if any(s["ok"] for s in group) else None,
                      "min": min((s["seconds"] for s in group if s["ok"]), default=None),
                      "max": max((s["seconds"] for s in group if s["ok"]), default=None)}
               for name, group in summary.items()}
    result = {
        "started_at": started_at.isoformat(timespec="seconds"), "runs": args.runs, "poll_interval": interval,
        "environment": ENVIRONMENT, "strategies": list(STRATEGIES), "base_image": BASE_IMAGE,
        "base_image_bytes": int(image_size) if image_size.isdigit() else None,
        "samples": samples, "summary": summary, "trace": trace,
        "podman_inspect": {"calls": len(inspect_times), "median": statistics.median(inspect_times) if inspect_times else None,
                           "min": min(inspect_times, default=None)},
        "machine_busy_before": busy_before, "wall_seconds": time.monotonic() - began,
        "versions": {"crank": version([crank, "--version"]), "podman": version(["podman", "--version"]),
                     "runc": version(["runc", "--version"]), "nginx": subprocess.run(["nginx", "-v"], capture_output=True, text=True).stderr.strip()},
    }
    with open(args.out, "w") as handle:
        json.dump(result, handle, indent=1)
    log(f"done in {result['wall_seconds']:.0f} s; measurements in {args.out}")
    return 0 if all(s["verified"] == s["runs"] for s in summary.values()) and all(t["ok"] for t in trace.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
