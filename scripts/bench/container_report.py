"""The "Container target" section of BENCHMARKS.md, from scripts/bench/container_bench.py's
measurements. Called as `report.py containers --results FILE --out BENCHMARKS.md`; replaces only
its own section (appended when there is none). Exits 1 when a run failed its checks."""
import argparse
import datetime
import json
import statistics

from report import machine, plural, seconds, splice_section

CONTAINER_SECTION = "## Container target: deploy and rollback to healthy"
STRATEGY_LABELS = {"recreate": "recreate", "blue-green": "blue-green"}
OPERATIONS = {  # measurement → (label, what is timed), in the order they run
    "deploy-new": ("deploy a new commit", "`crank deploy --env prod`, process start to exit, after a commit that changes index.html:"
                   " renders the Containerfile, `podman build`s the image (nothing cached past FROM), starts it, waits for the"
                   " health gate, records the release, prunes images beyond `keep_images: 5`"),
    "rollback": ("rollback", "`crank rollback --env prod`, right after that deploy: back to the previous release's kept image"
                 " (its `:rN` tag), gated the same way"),
    "deploy-built": ("deploy, image already built", "`crank deploy --env prod` of the same commit again, right after the rollback:"
                     " the commit's image exists, so no build (checked: the same image id before and after); the rest as for"
                     " a new commit"),
}
LOOKUPS = ("podman ps", "podman inspect", "podman image inspect", "podman images")


def median_of(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def ms(value):
    return f"{value * 1000:.0f} ms"


def call_summary(calls):
    """`podman ps` ×2 (0.10 s), … in first-call order."""
    grouped = {}
    for call in calls:
        count, total = grouped.get(call["call"], (0, 0.0))
        grouped[call["call"]] = (count + 1, total + call["seconds"])
    return grouped


def where_time_goes(data):
    """The table of the traced round and the sentences that explain crank's overhead."""
    trace, lines = data["trace"], []
    if not trace:
        return ["(The traced round did not run.)"]
    lines += [
        "| traced command | wall | podman calls | of which look-ups | nginx | git | between calls | before the first, after the last call |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    trace = {key: entry for key, entry in trace.items() if entry["ok"] and entry["calls"]}
    for key, entry in trace.items():
        strategy, operation = key.split("/")
        calls = entry["calls"]
        podman = [c for c in calls if c["tool"] == "podman"]
        lookups = [c for c in podman if c["call"] in LOOKUPS]
        nginx = [c for c in calls if c["tool"] == "nginx"]
        git = [c for c in calls if c["tool"] == "git"]
        span = calls[-1]["start"] + calls[-1]["seconds"] - calls[0]["start"] if calls else 0.0
        between = span - sum(c["seconds"] for c in calls)

        def cell(group):
            return f"{len(group)}: {seconds(sum(c['seconds'] for c in group))}" if group else "—"
        lines.append(f"| {STRATEGY_LABELS[strategy]}: {OPERATIONS[operation][0]} | {seconds(entry['wall'])} | {cell(podman)} "
                     f"| {cell(lookups)} | {cell(nginx)} | {cell(git)} | {seconds(between)} | {seconds(entry['wall'] - span)} |")
    lines += ["", "The calls, in order of first use (count × total time):", ""]
    for key, entry in trace.items():
        strategy, operation = key.split("/")
        grouped = call_summary(entry["calls"])
        lines.append(f"- {STRATEGY_LABELS[strategy]}, {OPERATIONS[operation][0]}: "
                     + ", ".join(f"`{name}` {'×' + str(count) + ' ' if count > 1 else ''}{seconds(total)}" for name, (count, total) in grouped.items()))
    inspect = data["podman_inspect"]["median"]
    rollback = trace.get("recreate/rollback")
    lines.append("")
    if inspect:
        text = (f"One podman CLI call costs about {ms(inspect)} here (`podman inspect` of a running container, median of "
                f"{data['podman_inspect']['calls']}): each call starts podman, reads its configuration and opens its store. ")
        if rollback:
            grouped = call_summary(rollback["calls"])
            podman = [c for c in rollback["calls"] if c["tool"] == "podman"]
            work = sum(grouped.get(name, (0, 0.0))[1] for name in ("podman run", "podman stop"))
            lookups = [c for c in podman if c["call"] in LOOKUPS]
            images = grouped.get("podman image inspect", (0, 0.0))
            calls = rollback["calls"]
            span = calls[-1]["start"] + calls[-1]["seconds"] - calls[0]["start"]
            between = span - sum(c["seconds"] for c in calls)
            text += (f"The traced recreate rollback took {seconds(rollback['wall'])}: {len(podman)} podman calls "
                     f"({seconds(sum(c['seconds'] for c in podman))}), of which `podman stop` of the old container and `podman run` of the "
                     f"new one ({seconds(work)}) are what a hand-run recreate does as well; {len(lookups)} are look-ups "
                     f"({seconds(sum(c['seconds'] for c in lookups))})"
                     + (f", {images[0]} of them `podman image inspect`, one per earlier release in the history ({rollback['history']} "
                        "releases recorded at that point), to find which releases can still be restored: rollback gets one podman "
                        "call slower with every release recorded. " if images[0] else
                        f"; which releases can still be restored comes from one `podman images` listing, whatever the history's "
                        f"length ({rollback['history']} releases recorded at that point). ")
                     + 
                     f"{seconds(between)} passed between the calls ({ms(between / max(1, len(calls) - 1))} each on average: spawning the "
                     "next call, noticing the previous one's exit — crank's engine runner polls for it with a back-off of up to 20 ms — "
                     "and the health probe after `podman run`), and "
                     f"{seconds(rollback['wall'] - span)} before the first and after the last call (crank's start-up, config, the lock "
                     "and state files). The gate itself asks podman whether the container still runs before each probe, so every "
                     "poll of a slow-starting service costs a podman call as well. In blue-green, the gap after `nginx -s reload` is "
                     "crank waiting for nginx's old workers to finish before it stops the old color.")
        deploy = trace.get("recreate/deploy-new")
        if deploy:
            grouped = call_summary(deploy["calls"])
            pruning = [grouped.get(name, (0, 0.0)) for name in ("podman images", "podman rmi")]
            if pruning[1][0]:
                text += (f" A deploy also prunes before it returns: `podman images` and {plural(pruning[1][0], '`podman rmi`')} "
                         f"({seconds(pruning[0][1] + pruning[1][1])} in the traced recreate deploy of a new commit; removing an "
                         "image's last tag deletes its layers), after the new version already serves.")
        lines.append(text)
    return lines


def section(data, invoked_by, crank_version):
    host = machine()
    started = datetime.datetime.fromisoformat(data["started_at"])
    summary, samples = data["summary"], data["samples"]
    base = summary.get("baseline", {}).get("median")
    bare = summary.get("bare-build", {}).get("median")
    poll = ms(data["poll_interval"])
    size = f" ({data['base_image_bytes'] / 1e6:.1f} MB)" if data.get("base_image_bytes") else ""

    busy = [s["machine_busy"] for s in samples if s["machine_busy"] is not None]

    def ratio(value, against):
        return f"**{value / against:.1f}x**" if value and against else "—"

    def watched(key, field):
        values = [s["watched"][field] for s in samples if s["measurement"] == key and s["ok"] and s.get("watched")]
        return median_of(values)

    lines = [
        "",
        f"{CONTAINER_SECTION} — {started:%Y-%m-%d %H:%M} UTC",
        "",
        f"Measured by `{invoked_by}` (`scripts/bench/container_bench.py`), {plural(data['runs'], 'round')} in one run. One service:",
        f"busybox `httpd` serving a static directory, in an image built FROM `{data['base_image']}`{size}, health check",
        f"`GET /health` (crank's gate polls every {poll}, `HealthGate.pollInterval`); environment `{data['environment']}` with",
        "`target: container`, once with the default `strategy: recreate` and once with `strategy: blue-green` (crank's own nginx",
        "switches the service's port to the new container after its gate). Each round runs, one after the other (the order flips",
        "every round): the two baselines, then per strategy a commit (untimed), deploy, rollback and deploy again.",
        "",
        f"- **baseline**: `podman run -d --init -p 127.0.0.1:HOST:PORT IMAGE` of the service's current image (already built),",
        f"  then `GET /health` at once and every {poll} until 200 — the bare floor for \"start it and see it healthy\".",
        "  The container is removed afterwards, untimed.",
        "- **bare build + baseline**: `podman build -t … -f <crank's generated Containerfile> <a copy of the project>` (the",
        "  Containerfile's release label changed, so nothing past FROM is cached — as for crank's build of a new commit), then",
        "  the baseline's run and probe.",
    ]
    for operation, (label, timed) in OPERATIONS.items():
        lines.append(f"- **{label}**: {timed}.")
    lines += [
        "- After every crank command the service's public port must serve the content of the release crank reports live,",
        "  with the status crank reports (`live`, `rolled-back`); a run that fails a check is left out of the medians.",
        "  While each command (crank's and the baselines') runs, the service's port is polled every 20 ms (0.2 s timeout):",
        "  **served** is when it first answered with the content the command should bring, **longest outage** the longest",
        "  stretch without a 200 (medians over the runs; a baseline's port has nothing on it before `podman run`).",
        "",
        f"Machine: {host['cores']} cores, {host['cpu']}, "
        + (f"{host['memory'] / 2**30:.1f} GiB RAM" if host["memory"] else "RAM unknown")
        + f", {host['system']}. CPUs busy in the 2 s before the benchmark: {data['machine_busy_before']:.0%}; during the timed runs: "
        + f"{min(busy):.0%}–{max(busy):.0%} (this benchmark's own processes and other users' podman work included)." if busy else "",
        "",
        "| measurement | ok runs | median | min | max | / baseline | / bare build + baseline | served | longest outage |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]

    def row(label, key, against_bare=False, bold=False):
        s = summary.get(key)
        if not s:
            return
        figures = [seconds(s[k]) if s[k] is not None else "—" for k in ("median", "min", "max")]
        if bold:
            figures[0] = f"**{figures[0]}**"
        serving, outage = watched(key, "serving"), watched(key, "outage")
        runs = f"{s['verified']} of {s['runs']}" + (f" ({s['skipped']} skipped)" if s.get("skipped") else "")
        lines.append(f"| {label} | {runs} | {' | '.join(figures)} "
                     f"| {'1.0x' if key == 'baseline' else ratio(s['median'], base)} | {ratio(s['median'], bare) if against_bare else ''} "
                     f"| {seconds(serving) if serving is not None else '—'} | {(seconds(outage) if outage else '0') if outage is not None and key.count('/') else '—'} |")

    row("baseline: `podman run` + first 200", "baseline", bold=True)
    row("bare build + baseline", "bare-build")
    for strategy in data["strategies"]:
        for operation, (label, _) in OPERATIONS.items():
            row(f"{STRATEGY_LABELS[strategy]}: {label}", f"{strategy}/{operation}", against_bare=operation == "deploy-new")
    lines += [
        "",
        "Ratios are ratios of medians, crank / baseline. The deploy of a new commit includes a `podman build`, which the",
        "baseline does not: compare it with the bare build + baseline column. The crank figures are the whole command: they",
        "include what crank does after the service is healthy (removing the old container, pruning images), which is why",
        "the new version is served before the command returns; recreate stops the old container before starting the new",
        "one (the outage), blue-green switches without one.",
        "",
        "### Where crank's time goes",
        "",
        "One more round per strategy, untimed for the medians above, with podman, nginx and git behind logging shims on PATH",
        "(bash wrappers that add a few ms per call):",
        "",
    ]
    lines += where_time_goes(data)
    keys = ["baseline", "bare-build"] + [f"{s}/{o}" for s in data["strategies"] for o in OPERATIONS]
    short = {"baseline": "baseline", "bare-build": "bare build"}
    short.update({f"{s}/{o}": f"{s[:2] if s == 'recreate' else 'b-g'} {o}" for s in data["strategies"] for o in OPERATIONS})
    lines += [
        "",
        "Every run (seconds; releases recorded when the recreate / blue-green rollback started; how busy all CPUs were during",
        "the round's commands, every process on the machine included):",
        "",
        "| round | " + " | ".join(short[k] for k in keys) + " | releases at rollback | machine busy |",
        "|---:|" + "---:|" * (len(keys) + 2),
    ]
    failures = []
    for round_index in range(data["runs"]):
        by_key = {s["measurement"]: s for s in samples if s["round"] == round_index}
        cells = []
        for key in keys:
            s = by_key.get(key)
            if not s:
                cells.append("—")
            elif s["ok"]:
                cells.append(f"{s['seconds']:.2f}")
            elif s.get("skipped"):
                cells.append("skipped")
            else:
                failures.append(f"- round {round_index + 1}, {short[key]} ({seconds(s['seconds']) if s['seconds'] else 'no time'}): "
                                + "; ".join(s["problems"]).replace("`", "'"))
                cells.append(f"**failed** ({len(failures)})")
        history = " / ".join(str(by_key[f"{s}/rollback"]["history"]) for s in data["strategies"]
                             if by_key.get(f"{s}/rollback", {}).get("history") is not None)
        busy = [s["machine_busy"] for s in by_key.values() if s["machine_busy"] is not None]
        lines.append(f"| {round_index + 1} | " + " | ".join(cells) + f" | {history} | "
                     + (f"{min(busy):.0%}–{max(busy):.0%}" if busy else "—") + " |")
    if failures:
        lines += ["", "Failed runs (left out of the medians; after a failed deploy the round's rollback and second deploy of",
                  "that strategy are skipped):", ""] + failures
    lines += [
        "",
        "Reproduce with:",
        "",
        "```sh",
        "make bench-containers   # BENCH_ONLY=containers bash scripts/bench/run.sh: this section only; `make bench` measures everything",
        "```",
        "",
        f"The benchmark took {data['wall_seconds']:.0f} s (set-up, all rounds, the traced round and clean-up). Versions: crank {crank_version};",
        f"{data['versions']['podman']}, {data['versions']['runc']}, {data['versions']['nginx']}.",
        "",
    ]
    return "\n".join(line for line in lines if line is not None)


def main(argv):
    parser = argparse.ArgumentParser(prog="report.py containers", description=__doc__)
    parser.add_argument("--results", required=True, help="container_bench.py --out file")
    parser.add_argument("--invoked-by", default="make bench", help="the command that ran the benchmark, for the record")
    parser.add_argument("--crank-version", default="", help="crank --version and the commit it was built from")
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    data = json.load(open(args.results))
    splice_section(args.out, section(data, args.invoked_by, args.crank_version or data["versions"]["crank"]), CONTAINER_SECTION)

    summary = data["summary"]
    base = summary.get("baseline", {}).get("median")
    print()
    print(f"container target — {data['started_at']}, {data['runs']} rounds")
    for name, s in summary.items():
        figures = " ".join(f"{key} {seconds(s[key]) if s[key] is not None else '-'}" for key in ("median", "min", "max"))
        against = f"  {s['median'] / base:.1f}x baseline" if base and s["median"] and name != "baseline" else ""
        print(f"  {name:<24} {s['verified']} of {s['runs']} ok; {figures}{against}")
    print(f"wrote {args.out}")
    failed_trace = [key for key, entry in data["trace"].items() if not entry["ok"]]
    return 0 if all(s["verified"] == s["runs"] for s in summary.values()) and not failed_trace else 1
