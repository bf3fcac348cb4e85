"""The "Remote hosts" section of BENCHMARKS.md, from scripts/bench/hosts_bench.py's measurements.
Called as `report.py hosts --results FILE --out BENCHMARKS.md`; replaces only its own section
(appended when there is none). Exits 1 when a run failed its checks."""
import argparse
import datetime
import json
import statistics

from report import machine, seconds, splice_section

HOSTS_SECTION = "## Remote hosts: deploy to 1, 3 and 6 hosts"
GOAL_RATIO = 1.5  # crank to 6 hosts / crank to 1 host
LABELS = {"crank": "crank", "crank-no-mux": "crank, no multiplexing", "by-hand": "by hand (ssh loop)"}


def ms(value):
    return f"{value * 1000:.0f} ms"


def median_of(runs, count, kind):
    values = [r["seconds"] for r in runs if r["hosts"] == count and r["kind"] == kind and r["ok"]]
    return statistics.median(values) if values else None


def figure(value):
    return seconds(value) if value is not None else "—"


def ratio(a, b):
    return f"{a / b:.2f}x" if a is not None and b else "—"


def median_field(runs, count, kind, field):
    values = [r[field] for r in runs if r["hosts"] == count and r["kind"] == kind and r["ok"] and field in r]
    return statistics.median(values) if values else None


def call_summary(calls):
    """`supervisor list` ×6 1.23 s, … in first-call order."""
    grouped = {}
    for call in calls:
        count, total = grouped.get(call["call"], (0, 0.0))
        grouped[call["call"]] = (count + 1, total + call["seconds"])
    return ", ".join(f"`{name}`{f' ×{count}' if count > 1 else ''} {seconds(total)}" for name, (count, total) in grouped.items())


def section(data, invoked_by, crank_version):
    host = machine()
    started = datetime.datetime.fromisoformat(data["started_at"])
    runs, counts = data["measurements"], data["counts"]
    one = median_of(runs, 1, "crank")
    six = median_of(runs, max(counts), "crank")
    goal = six / one if six and one else None
    busy = [r["busy"] for r in runs]
    plain, multiplexed = statistics.median(data["ssh_true"]["plain"]), statistics.median(data["ssh_true"]["multiplexed"])
    bashrc = statistics.median(data["ssh_true"]["bashrc"]) if data["ssh_true"].get("bashrc") else None
    lines = [
        f"{HOSTS_SECTION} — {started:%Y-%m-%d %H:%M} UTC",
        "",
        f"Measured by `{invoked_by}` (`scripts/bench/hosts_bench.py`), {data['runs']} rounds in one run. Six simulated machines",
        "(scripts/hosts/simulate.sh: one real sshd each on 127.0.0.2-7, all on this machine, so the hosts' work shares its cores",
        "with crank's); one service `web` (a stdlib HTTP server answering `{\"version\": $VERSION}`, stopping within 50 ms of",
        "SIGTERM, health check GET /health) on hosts 1..N, N = 1, 3, 6, a project and a port per N. In every round, per N, one",
        "after the other (the order rotates):",
        "",
        "- **crank**: `crank deploy --env prod` of a new release (a new VERSION: every host gets the release directory and a new",
        "  process, gated), process start to exit;",
        "- **crank, no multiplexing**: the same with an `ssh` shim first on PATH that turns crank's `ControlMaster`/`ControlPath`/",
        "  `ControlPersist` options into `no`/`none`/`no`, so every call opens its own connection (crank itself unchanged);",
        "- **by hand**: `scripts/bench/hosts_by_hand.sh`, the loop a user replaces — per host in turn, plain `ssh` (a new",
        "  connection per call): `mkdir`, `tar | ssh tar -x`, stop the old process by its pid file and start the new one with",
        "  `nohup … &`, then `curl` /health every 50 ms until the new version answers.",
        "",
        "After every run each host of the project must serve the new VERSION (and crank must exit 0 with the release `live`);",
        "a run that fails a check is left out of the medians. The hosts run remote commands without sourcing root's",
        "`~/.bashrc` (`SIMULATE_SKIP_BASHRC=1`): on this machine it runs `pyenv init`"
        + (f", {ms(bashrc - multiplexed)} per remote command" if bashrc else "")
        + ", which would otherwise dominate every figure (crank's and the loop's alike).",
        "",
        f"Machine: {host['cores']} cores, {host['cpu']}, {host['memory'] / 2**30:.1f} GiB RAM, {host['system']}. "
        f"CPUs busy in the 2 s before the benchmark: {data['busy_before'] * 100:.0f}%; during the timed runs: "
        f"{min(busy) * 100:.0f}%–{max(busy) * 100:.0f}% (the hosts' sshd and services, crank, and other users' work included).",
        "",
        "| hosts | crank | / crank to 1 host | crank, no multiplexing | multiplexing saves | by hand (ssh loop) | crank / by hand |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for count in counts:
        crank, plain_crank, hand = (median_of(runs, count, kind) for kind in ("crank", "crank-no-mux", "by-hand"))
        saves = f"{seconds(plain_crank - crank)} ({(plain_crank - crank) / plain_crank * 100:.0f}%)" if crank and plain_crank else "—"
        lines.append(f"| {count} | **{figure(crank)}** | {ratio(crank, one)} | {figure(plain_crank)} | {saves} | {figure(hand)} | **{ratio(crank, hand)}** |")
    ok = sum(r["ok"] for r in runs)
    lines += [
        "",
        f"Medians of the runs that passed their checks ({ok} of {len(runs)}); ratios are ratios of medians.",
        "",
        "| goal | criterion | measured | |",
        "|---|---|---:|---|",
        f"| 6 hosts in at most 1.5x the time of 1 host | crank to {max(counts)} / crank to 1 <= {GOAL_RATIO} | "
        f"{f'{goal:.2f}x' if goal else '—'} | **{'met' if goal and goal <= GOAL_RATIO else 'not met'}** |",
        "",
    ]
    cpu_one, cpu_six = median_field(runs, 1, "crank", "cpu"), median_field(runs, max(counts), "crank", "cpu")
    six_busy = [r["busy"] for r in runs if r["hosts"] == max(counts) and r["kind"] == "crank" and r["ok"]]
    if goal and goal > GOAL_RATIO and cpu_one and cpu_six and six_busy:
        lines += [
            f"Not met on this machine: while crank deployed to {max(counts)} hosts its {host['cores']} cores were "
            f"{statistics.median(six_busy) * 100:.0f}% busy (median). crank and its ssh clients used {seconds(cpu_six)} of CPU",
            f"against {seconds(cpu_one)} for one host — {seconds((cpu_six - cpu_one) / (max(counts) - 1))} per further host, mostly",
            "`ssh`: each host's new connection (its key exchange) and its calls — and every simulated host's own work (its",
            "sshd, the supervisor's shells, the service's start) runs on the same cores (see \"Where the CPU goes\"). On",
            "separate machines that work is spread over them; here it queues behind the same two cores.",
            "",
        ]
    lines += [
        f"**Multiplexing**: one `ssh host true` takes {ms(plain)} with a connection of its own and {ms(multiplexed)} over a",
        f"master connection (medians of {len(data['ssh_true']['plain'])}; {plain / multiplexed:.1f}x); the crank column against the",
        "no-multiplexing one is what it saves on a whole deploy.",
        "",
        "### Where the CPU goes",
        "",
        "Every simulated host's work — its sshd (a new connection's key exchange, one session per call), the shells",
        "running crank's supervisor and the services starting and stopping — runs on the same cores as crank. CPU seconds",
        "per run (medians): crank and its children (crank, its ssh clients, tar; not ssh's backgrounded master",
        "connections), and the whole machine while the command ran (all cores busy share × wall × cores: the hosts' side,",
        "crank's masters and other users' work).",
        "",
        "| hosts | crank: wall | crank + children CPU | whole machine CPU | by hand: wall | whole machine CPU |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for count in counts:
        whole = {kind: statistics.median([r["busy"] * r["seconds"] * r.get("cores", host["cores"]) for r in runs
                                          if r["hosts"] == count and r["kind"] == kind and r["ok"]] or [0]) for kind in ("crank", "by-hand")}
        lines.append(f"| {count} | {figure(median_of(runs, count, 'crank'))} | {figure(median_field(runs, count, 'crank', 'cpu'))} | "
                     f"{seconds(whole['crank'])} | {figure(median_of(runs, count, 'by-hand'))} | {seconds(whole['by-hand'])} |")
    lines += [
        "",
        "### Where crank's time goes",
        "",
        "One more `crank deploy` per host count with a logging `ssh` shim on PATH (untimed for the medians above; the shim adds",
        "two `date` runs per call). Calls run at once on different hosts, so their times add up to more than the wall time.",
        "",
        "| traced deploy | wall | ssh calls | per host | time in ssh calls |",
        "|---|---:|---:|---:|---:|",
    ]
    for count in counts:
        traced = data["traced"][str(count)]
        calls = traced["calls"]
        lines.append(f"| {count} host{'s' if count > 1 else ''} | {seconds(traced['run']['seconds'])} | {len(calls)} | "
                     f"{len(calls) / count:.1f} | {seconds(sum(c['seconds'] for c in calls))} |")
    lines += ["", "The calls, in order of first use (count × total time):", ""]
    lines += [f"- {count} host{'s' if count > 1 else ''}: {call_summary(data['traced'][str(count)]['calls'])}" for count in counts]
    lines += [
        "",
        "Every run (seconds; how busy all CPUs were during it, every process on the machine included):",
        "",
        "| round | " + " | ".join(f"{LABELS[kind]} @{count}" for count in counts for kind in LABELS) + " |",
        "|---:|" + "---:|" * (len(counts) * len(LABELS)),
    ]
    for index in sorted({r["round"] for r in runs}):
        cells = []
        for count in counts:
            for kind in LABELS:
                run = next((r for r in runs if r["round"] == index and r["hosts"] == count and r["kind"] == kind), None)
                cells.append("—" if run is None else f"{run['seconds']:.2f}{'' if run['ok'] else ' (failed)'} ({run['busy'] * 100:.0f}%)")
        lines.append(f"| {index} | " + " | ".join(cells) + " |")
    versions = data["versions"]
    lines += [
        "",
        "Reproduce with:",
        "",
        "```sh",
        "make bench-hosts   # BENCH_ONLY=hosts bash scripts/bench/run.sh: this section only; `make bench` measures everything",
        "```",
        "",
        f"The benchmark took {data['seconds_total']:.0f} s (set-up, all rounds, the traced deploys and clean-up). Versions: {crank_version};",
        f"{versions['ssh']} (sshd {versions['sshd']}), Python {versions['python']}, {' '.join(versions['curl'].split()[:2])}.",
        "",
    ]
    return "\n".join(lines)


def main(argv):
    parser = argparse.ArgumentParser(prog="report.py hosts", description="the Remote hosts section of BENCHMARKS.md")
    parser.add_argument("--results", required=True, help="hosts_bench.py --out file")
    parser.add_argument("--invoked-by", default="make bench")
    parser.add_argument("--crank-version", default="")
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    data = json.load(open(args.results))
    text = section(data, args.invoked_by, args.crank_version or "crank")
    splice_section(args.out, text, heading=HOSTS_SECTION)
    print(text.split("### Where")[0])
    print(f"wrote {args.out}")
    return 0 if all(r["ok"] for r in data["measurements"]) else 1
