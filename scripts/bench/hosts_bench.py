"""Remote hosts (part of `make bench`; alone: `make bench-hosts`): `crank deploy` of a new release
of one service to 1, 3 and 6 simulated hosts, against the same work done by hand with a loop of
plain `ssh` commands, and what SSH multiplexing saves — all measured in one run.

1. Six simulated machines (scripts/hosts/simulate.sh: one real sshd each on 127.0.0.2-7, all on
   this machine). Three crank projects, one per host count N (1, 3, 6), each with one service `web`
   (a stdlib HTTP server answering `{"version": $VERSION}`, health check GET /health) on hosts
   1..N and a port of its own. Set-up, untimed: `crank deploy` of each (VERSION=0) and one pass of
   the by-hand loop per N (its own port too).
2. N rounds; in each, per host count (the order of the three measurements rotates every round):
   - crank: `crank deploy --env prod` with a new VERSION (a new release: every host gets the
     release directory and a new process), process start to exit;
   - crank without multiplexing: the same, with an `ssh` shim first on PATH that turns crank's
     ControlMaster/ControlPath/ControlPersist options into `no`/`none` (a new connection and key
     exchange per call; crank itself is unchanged);
   - by hand: scripts/bench/hosts_by_hand.sh — per host in turn, `ssh mkdir`, `tar | ssh tar -x`,
     `ssh` stop-by-pid-file and `nohup` start, `curl` /health until the new version answers.
   After each, every host of the project must serve the new VERSION (and crank must exit 0 with
   the release live); a run that fails a check is kept in the JSON and left out of the medians.
3. `ssh host true` ×20 with a new connection each and ×20 over a master connection; then one more
   crank deploy per host count with a logging `ssh` shim (untimed for the medians): every ssh call
   crank makes, what it is for and how long it takes.
4. Writes everything to a JSON file; `report.py hosts` turns it into BENCHMARKS.md's section.

Everything it starts (sshd instances, services, crank's and the by-hand processes) is stopped at
the end, also on errors; nothing else is touched. Progress goes to stderr.

Usage: python3 scripts/bench/hosts_bench.py CRANK_BINARY --out RESULTS.json [--runs N] [--keep]
"""
import argparse
import datetime
import json
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

from hosts_calls import SHIM, read_trace
from machine_load import busy_between, cpu_sample

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COUNTS = (1, 3, 6)
KINDS = ("crank", "crank-no-mux", "by-hand")
VERSION_PREFIX = {"crank": "m", "crank-no-mux": "n", "by-hand": "h"}  # every timed run deploys a version of its own
SSH_CALLS = 20
HTTP = urllib.request.build_opener(urllib.request.ProxyHandler({}))
SERVICE = """import http.server, json, os, signal, threading
host, port, version = os.environ["HOST"], int(os.environ["PORT"]), os.environ.get("VERSION", "0")
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = json.dumps({"version": version}).encode()
        self.send_response(200); self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
    def log_message(self, *args):
        pass
server = http.server.ThreadingHTTPServer((host, port), Handler)
signal.signal(signal.SIGTERM, lambda *a: threading.Thread(target=server.shutdown).start())
server.serve_forever(poll_interval=0.05)
"""


def log(message):
    print(f"[hosts-bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def parse_hosts(directory):
    """simulate.sh's hosts.yaml: `  host-1: {address: …, port: …, user: …, root: "…"}` lines."""
    hosts = []
    for line in open(os.path.join(directory, "hosts.yaml")):
        line = line.strip()
        if line.startswith("host-"):
            fields = dict(part.split(": ", 1) for part in line[line.index("{") + 1:line.rindex("}")].split(", "))
            hosts.append({"name": line.split(":")[0], "address": fields["address"], "ssh_port": fields["port"],
                          "user": fields["user"], "root": fields["root"].strip('"')})
    return hosts


def write_project(directory, sims, hosts, port):
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, "service.py"), "w") as handle:
        handle.write(SERVICE)
    # A root per project: the hosts keep releases and process records per root and environment.
    listed = "\n".join(f"      {h['name']}: {{address: {h['address']}, port: {h['ssh_port']}, user: {h['user']}, root: \"{h['root']}-{len(hosts)}\"}}"
                       for h in hosts)
    with open(os.path.join(directory, "crank.yaml"), "w") as handle:
        handle.write(f"""project: hb{len(hosts)}
deployments:
  web:
    command: [python3, service.py]
    port: {port}
    env: {{PORT: "{port}", VERSION: "${{VERSION:-0}}"}}
    health: {{path: /health, timeout: 20}}
    role: web
environments:
  prod:
    target: local
    hosts:
{listed}
    roles:
      web: [{", ".join(h["name"] for h in hosts)}]
    ssh: {{identity_file: "{sims}/client_key", known_hosts: "{sims}/known_hosts", max_parallel: 10}}
""")


def serves(host, port, version):
    try:
        with HTTP.open(f"http://{host['address']}:{port}/health", timeout=2) as response:
            return json.loads(response.read()).get("version") == version
    except (OSError, ValueError):
        return False


def timed(command, env=None):
    """Seconds, how busy the CPUs were, CPU seconds of the command and its children (crank and its
    ssh clients; not the hosts' side, and not ssh's backgrounded master connections), the result."""
    usage, before, started = resource.getrusage(resource.RUSAGE_CHILDREN), cpu_sample(), time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, env={**os.environ, **(env or {})})
    elapsed = time.perf_counter() - started
    busy, after = busy_between(before, cpu_sample()), resource.getrusage(resource.RUSAGE_CHILDREN)
    return elapsed, busy, (after.ru_utime - usage.ru_utime) + (after.ru_stime - usage.ru_stime), result


class Bench:
    def __init__(self, crank, work, runs):
        self.crank, self.work, self.runs = crank, work, runs
        self.sims = os.path.join(work, "hosts")
        self.shims = os.path.join(work, "shims")
        self.hosts, self.projects = [], {}

    def start(self):
        subprocess.run(["bash", os.path.join(REPO, "scripts/hosts/simulate.sh"), "start", str(max(COUNTS)), self.sims],
                       check=True, stdout=subprocess.DEVNULL, env={**os.environ, "SIMULATE_SKIP_BASHRC": "1"})
        self.hosts = parse_hosts(self.sims)
        os.makedirs(self.shims)
        shim = os.path.join(self.shims, "ssh")
        with open(shim, "w") as handle:
            handle.write(SHIM.replace("@SSH@", shutil.which("ssh") or "/usr/bin/ssh"))
        os.chmod(shim, 0o755)
        for count in COUNTS:
            project = {"root": os.path.join(self.work, f"project-{count}"), "hosts": self.hosts[:count],
                       "port": free_port(), "hand_port": free_port(), "hand_file": os.path.join(self.work, f"by-hand-{count}.txt")}
            write_project(project["root"], self.sims, project["hosts"], project["port"])
            os.makedirs(os.path.join(self.work, "by-hand-source"), exist_ok=True)
            shutil.copy(os.path.join(project["root"], "service.py"), os.path.join(self.work, "by-hand-source"))
            with open(project["hand_file"], "w") as handle:
                handle.writelines(f"{h['name']} {h['address']} {h['ssh_port']} {h['user']} {h['root']}/by-hand-{project['hand_port']}\n"
                                  for h in project["hosts"])
            self.projects[count] = project
            for kind in ("crank", "by-hand"):
                run = self.measure(count, kind, "0")
                if not run["ok"]:
                    raise SystemExit(f"error: set-up {kind} to {count} hosts failed: {run['error']}")

    def measure(self, count, kind, version, trace=None):
        project = self.projects[count]
        if kind == "by-hand":
            command = ["bash", os.path.join(REPO, "scripts/bench/hosts_by_hand.sh"), project["hand_file"],
                       os.path.join(self.sims, "client_key"), os.path.join(self.sims, "known_hosts"), os.path.join(self.work, "by-hand-source"), version,
                       str(project["hand_port"])]
            env, port = {}, project["hand_port"]
        else:
            command = [self.crank, "deploy", "--env", "prod", "--json", "-C", project["root"]]
            env, port = {"VERSION": version}, project["port"]
            if kind == "crank-no-mux" or trace:
                env["PATH"] = self.shims + os.pathsep + os.environ["PATH"]
                env["CRANK_BENCH_NO_MUX"] = "1" if kind == "crank-no-mux" else ""
                env["CRANK_BENCH_SSH_LOG"] = trace or ""
        seconds, busy, cpu, result = timed(command, env)
        error = None
        if result.returncode != 0:
            error = f"exit {result.returncode}: {result.stderr.strip()[-400:]}"
        elif kind != "by-hand" and json.loads(result.stdout or "{}").get("status") != "live":
            error = f"crank reported {result.stdout[:200]}"
        else:
            wrong = [h["name"] for h in project["hosts"] if not serves(h, port, version)]
            if wrong:
                error = f"{', '.join(wrong)} do not serve version {version}"
        if error:
            log(f"check failed: {kind} to {count} hosts, version {version}: {error}")
        return {"hosts": count, "kind": kind, "version": version, "seconds": seconds, "busy": busy, "cpu": cpu,
                "cores": os.cpu_count(), "ok": error is None, "error": error}

    def rounds(self):
        runs = []
        for index in range(1, self.runs + 1):
            for count in COUNTS:
                shift = (index + count) % len(KINDS)
                for kind in KINDS[shift:] + KINDS[:shift]:
                    run = self.measure(count, kind, f"{VERSION_PREFIX[kind]}{index}")
                    run["round"] = index
                    runs.append(run)
            log(f"round {index}/{self.runs}: " + ", ".join(f"{r['kind']}@{r['hosts']} {r['seconds']:.2f} s"
                                                           for r in runs if r["round"] == index))
        return runs

    def ssh_true(self, multiplexed, command="true"):
        host = self.hosts[0]
        options = ["-o", "BatchMode=yes", "-o", f"UserKnownHostsFile={self.sims}/known_hosts", "-i", f"{self.sims}/client_key",
                   "-p", host["ssh_port"], "-l", host["user"]]
        if multiplexed:
            options += ["-o", "ControlMaster=auto", "-o", f"ControlPath={self.work}/mux-%C", "-o", "ControlPersist=30"]
        subprocess.run(["ssh", *options, host["address"], "true"], check=True)
        samples = []
        for _ in range(SSH_CALLS):
            started = time.perf_counter()
            subprocess.run(["ssh", *options, host["address"], command], check=True, stdout=subprocess.DEVNULL)
            samples.append(time.perf_counter() - started)
        if multiplexed:
            subprocess.run(["ssh", *options, "-O", "exit", host["address"]], stderr=subprocess.DEVNULL)
        return samples

    def traces(self):
        traced = {}
        for count in COUNTS:
            path = os.path.join(self.work, f"trace-{count}.log")
            run = self.measure(count, "crank", "t", trace=path)
            traced[count] = {"run": run, "calls": read_trace(path)}
        return traced

    def stop(self):
        for project in self.projects.values():
            subprocess.run([self.crank, "clean", "--env", "prod", "--yes", "-C", project["root"]], capture_output=True)
            for host in project["hosts"]:
                pidfile = f"{host['root']}/by-hand-{project['hand_port']}/app.pid"
                try:
                    os.kill(int(open(pidfile).read().strip()), 15)
                except (OSError, ValueError):
                    pass
        subprocess.run(["bash", os.path.join(REPO, "scripts/hosts/simulate.sh"), "stop", self.sims], capture_output=True)


def versions():
    def first_line(command):
        try:
            return subprocess.run(command, capture_output=True, text=True).stdout.strip().splitlines()[0]
        except (OSError, IndexError):
            return "unknown"
    return {"ssh": subprocess.run(["ssh", "-V"], capture_output=True, text=True).stderr.strip(),
            "sshd": first_line(["sh", "-c", "dpkg-query -W -f '${Version}' openssh-server 2>/dev/null"]),
            "python": sys.version.split()[0], "curl": first_line(["curl", "--version"])}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("crank")
    parser.add_argument("--out", required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (projects, logs, traces)")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="crank-hosts-bench.")
    bench = Bench(os.path.abspath(args.crank), work, args.runs)
    began, started = time.monotonic(), datetime.datetime.now(datetime.timezone.utc)
    idle = cpu_sample()
    time.sleep(2)
    busy_before = busy_between(idle, cpu_sample())
    try:
        log(f"{max(COUNTS)} simulated hosts, set-up deploys")
        bench.start()
        runs = bench.rounds()
        log("ssh host true: new connections and over a master")
        plain, multiplexed = bench.ssh_true(False), bench.ssh_true(True)
        rc = bench.ssh_true(True, ". ~/.bashrc")  # what the hosts skip (SIMULATE_SKIP_BASHRC)
        log("traced deploys (logging ssh shim)")
        traced = bench.traces()
    finally:
        bench.stop()
        if args.keep:
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    summary = {}
    for count in COUNTS:
        for kind in KINDS:
            ok = [r["seconds"] for r in runs if r["hosts"] == count and r["kind"] == kind and r["ok"]]
            summary[f"{kind}@{count}"] = {"median": statistics.median(ok) if ok else None, "min": min(ok, default=None),
                                          "max": max(ok, default=None), "ok": len(ok), "runs": args.runs}
    result = {"started_at": started.isoformat(), "runs": args.runs, "counts": list(COUNTS), "busy_before": busy_before,
              "seconds_total": time.monotonic() - began, "summary": summary, "measurements": runs,
              "ssh_true": {"plain": plain, "multiplexed": multiplexed, "bashrc": rc}, "traced": traced, "versions": versions()}
    with open(args.out, "w") as handle:
        json.dump(result, handle, indent=1)
    failed = [r for r in runs if not r["ok"]]
    log(f"wrote {args.out}" + (f"; {len(failed)} runs failed their checks" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
