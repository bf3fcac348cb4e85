"""Remote hosts: `crank deploy` of a new release of one service to 1, 3 and 6 simulated hosts
(real sshd on 127.0.0.2…, scripts/hosts/simulate.sh), against the same work done by hand with a
loop of plain `ssh host …` commands (copy the release, stop the old process, start the new one,
poll /health), and what SSH multiplexing saves per call. Medians of ROUNDS runs; writes the
"Remote hosts" section of BENCHMARKS.md.

usage: hosts_bench.py CRANK_BINARY [--rounds N] [--out BENCHMARKS.md]
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import report  # noqa: E402  (splice_section)

SERVICE = """
import http.server, os, signal, threading
host, port, version = os.environ["HOST"], int(os.environ["PORT"]), os.environ.get("VERSION", "1")
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = version.encode()
        self.send_response(200); self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
    def log_message(self, *a): pass
server = http.server.ThreadingHTTPServer((host, port), Handler)
signal.signal(signal.SIGTERM, lambda *a: threading.Thread(target=server.shutdown).start())
server.serve_forever()
"""
PORT = 18990
SECTION = "## Remote hosts: deploy to 1, 3 and 6 hosts"


def hosts_yaml(directory):
    return open(os.path.join(directory, "hosts.yaml")).read()


def parse_hosts(directory):
    hosts = []
    for line in hosts_yaml(directory).splitlines():
        line = line.strip()
        if line.startswith("host-"):
            name = line.split(":")[0]
            fields = dict(part.strip().split(": ", 1) for part in line[line.index("{") + 1:line.rindex("}")].split(", "))
            hosts.append((name, fields["address"], fields["port"], fields["root"].strip('"')))
    return hosts


def project(directory, sims):
    os.makedirs(directory, exist_ok=True)
    open(os.path.join(directory, "service.py"), "w").write(SERVICE)
    names = [name for name, *_ in parse_hosts(sims)]
    indented = "\n".join("    " + line for line in hosts_yaml(sims).splitlines())
    open(os.path.join(directory, "crank.yaml"), "w").write(f"""project: hb
deployments:
  web:
    command: [python3, service.py]
    port: {PORT}
    env: {{PORT: "{PORT}", VERSION: "${{VERSION:-1}}"}}
    health: {{path: /, timeout: 20}}
    role: web
environments:
  prod:
    target: local
{indented}
    roles:
      web: [{", ".join(names)}]
""")


def serves(address, version):
    try:
        return urllib.request.urlopen(f"http://{address}:{PORT}/", timeout=2).read().decode() == version
    except OSError:
        return False


def timed(command, env=None):
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    return time.perf_counter() - start


def by_hand(sims, source, version):
    """The loop a user replaces: per host, plain ssh (no multiplexing) for every step."""
    start = time.perf_counter()
    key, known = os.path.join(sims, "client_key"), os.path.join(sims, "known_hosts")
    for name, address, port, root in parse_hosts(sims):
        ssh = ["ssh", "-o", "BatchMode=yes", "-o", f"UserKnownHostsFile={known}", "-i", key, "-p", port, address]
        release = f"{root}/manual/{version}"
        tar = subprocess.Popen(["tar", "-C", source, "-cf", "-", "service.py"], stdout=subprocess.PIPE)
        subprocess.run(ssh + [f"mkdir -p {release} && tar -C {release} -xf -"], stdin=tar.stdout, check=True)
        tar.wait()
        subprocess.run(ssh + [f"pkill -f 'manual/.*/service.py' ; true"], check=True)
        subprocess.run(ssh + [f"cd {release} && HOST={address} PORT={PORT} VERSION={version} setsid python3 service.py >/dev/null 2>&1 </dev/null &"], check=True)
        while not serves(address, version):
            time.sleep(0.05)
    return time.perf_counter() - start


def ssh_calls(sims, multiplexed, count=20):
    name, address, port, _ = parse_hosts(sims)[0]
    control = tempfile.mkdtemp(prefix="crank-bench-ssh-")
    options = ["-o", "BatchMode=yes", "-o", f"UserKnownHostsFile={os.path.join(sims, 'known_hosts')}", "-i", os.path.join(sims, "client_key"), "-p", port]
    if multiplexed:
        options += ["-o", "ControlMaster=auto", "-o", f"ControlPath={control}/%C", "-o", "ControlPersist=10"]
    subprocess.run(["ssh"] + options + [address, "true"], check=True)
    start = time.perf_counter()
    for _ in range(count):
        subprocess.run(["ssh"] + options + [address, "true"], check=True)
    elapsed = (time.perf_counter() - start) / count
    if multiplexed:
        subprocess.run(["ssh"] + options + ["-O", "exit", address], stderr=subprocess.DEVNULL)
    shutil.rmtree(control, ignore_errors=True)
    return elapsed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("crank")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--out", default="BENCHMARKS.md")
    args = parser.parse_args()
    root = os.path.dirname(os.path.dirname(HERE))
    results = {}
    per_call = {}
    for count in (1, 3, 6):
        work = tempfile.mkdtemp(prefix=f"crank-bench-hosts{count}-")
        sims = os.path.join(work, "hosts")
        try:
            subprocess.run(["bash", os.path.join(root, "scripts/hosts/simulate.sh"), "start", str(count), sims], check=True)
            source = os.path.join(work, "project")
            project(source, sims)
            crank = [args.crank, "deploy", "--env", "prod", "-C", source]
            subprocess.run(crank, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            crank_times, hand_times = [], []
            for round_ in range(args.rounds):
                crank_times.append(timed(crank, env=dict(os.environ, VERSION=f"c{round_}")))
                assert all(serves(address, f"c{round_}") for _, address, _, _ in parse_hosts(sims)), "crank's release is not served"
                hand_times.append(by_hand(sims, source, f"h{round_}"))
            subprocess.run([args.crank, "clean", "--env", "prod", "--yes", "-C", source], check=True, stdout=subprocess.DEVNULL)
            results[count] = (statistics.median(crank_times), statistics.median(hand_times))
            if count == 1:
                per_call = {"plain": ssh_calls(sims, False), "multiplexed": ssh_calls(sims, True)}
        finally:
            for name, address, port, root_dir in parse_hosts(sims) if os.path.exists(os.path.join(sims, "hosts.yaml")) else []:
                subprocess.run(["pkill", "-f", f"{root_dir}/"], stderr=subprocess.DEVNULL)
            subprocess.run(["bash", os.path.join(root, "scripts/hosts/simulate.sh"), "stop", sims])
            shutil.rmtree(work, ignore_errors=True)
    one = results[1][0]
    lines = [
        SECTION + " — " + time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "",
        f"`make bench-hosts` (`python3 scripts/bench/hosts_bench.py .build/release/crank --rounds {args.rounds}`): a new release",
        "of one Python HTTP service (`VERSION` changes, so every host gets a new release directory and a",
        "new process) deployed with `crank deploy` to 1, 3 and 6 simulated hosts (real sshd on 127.0.0.2…,",
        "scripts/hosts/simulate.sh, all on this 2-core machine), timed until the command exits with every",
        "host serving the new release; against the same work by hand — per host in turn, plain `ssh`",
        "calls: `tar | ssh tar -x` the release, stop the old process, start the new one, poll until it",
        "serves. Medians of the rounds; ratios against crank to 1 host measured in the same run.",
        "",
        "| hosts | crank deploy | / crank to 1 host | ssh loop by hand | crank / by hand |",
        "|---:|---:|---:|---:|---:|",
    ]
    for count, (crank_time, hand_time) in sorted(results.items()):
        lines.append(f"| {count} | {crank_time:.2f} s | {crank_time / one:.2f}x | {hand_time:.2f} s | {crank_time / hand_time:.2f}x |")
    lines += [
        "",
        f"Goal: 6 hosts in at most 1.5x the time of 1 host — measured {results[6][0] / one:.2f}x"
        + (" (met)." if results[6][0] / one <= 1.5 else " (**not met**)."),
        f"Multiplexing: one `ssh host true` costs {per_call['plain'] * 1000:.0f} ms with a new connection and"
        f" {per_call['multiplexed'] * 1000:.0f} ms over crank's master connection (median of 20,"
        f" {per_call['plain'] / per_call['multiplexed']:.1f}x); a crank deploy makes about a dozen calls per host.",
        "",
    ]
    report.splice_section(args.out, "\n".join(lines), heading=SECTION)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
