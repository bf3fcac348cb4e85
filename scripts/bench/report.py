"""Turns one `make bench` run's measurements into BENCHMARKS.md and a summary on stdout.

Called by scripts/bench/run.sh; standard library only. Exits 1 when the tools' flow counts do not
match what the generator wrote (BENCHMARKS.md is still written, with the mismatch in it).

`report.py prefect-register --results FILE --out BENCHMARKS.md` renders the measurements of
scripts/bench/prefect_register_bench.py as the "Register 50 Prefect deployments" section and puts
it in place of that section (appended when there is none), leaving the others as they are. Exits 1
when a timed run did not leave exactly the expected deployments on the server.

`report.py containers --results FILE --out BENCHMARKS.md` does the same for the "Container target"
section (scripts/bench/container_bench.py's measurements; rendered by container_report.py), and
`report.py hosts …` for the "Remote hosts" section (scripts/bench/hosts_bench.py; hosts_report.py).
"""
import argparse
import datetime
import json
import os
import platform
import re
import statistics
import sys

MB = 1_000_000  # the goal says "50 MB": decimal megabytes, the stricter reading
GOAL_GREP_RATIO = 2.0
GOAL_PREFECT_RATIO = 50.0
GOAL_PEAK_MB = 50.0
GOAL_CORES = 1.5  # CPU time / wall time on a machine with 2 or more cores
GOAL_REGISTER_RATIO = 20.0  # `prefect deploy --all` / `crank deploy`, 50 deployments
PREFECT_SECTION = "## Register 50 Prefect deployments"


def parse_time_v(path):
    """Max RSS (bytes), wall seconds and CPU percent from a GNU `/usr/bin/time -v` report."""
    text = open(path).read()
    rss_kib = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1))
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)", text).group(1)
    seconds = 0.0
    for part in wall.split(":"):
        seconds = seconds * 60 + float(part)
    cpu = re.search(r"Percent of CPU this job got: (\d+)%", text)
    return {"rss": rss_kib * 1024, "wall": seconds, "cpu_percent": int(cpu.group(1)) if cpu else None}


def machine():
    cpu = "unknown"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = None
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal:"):
                memory = int(line.split()[1]) * 1024
                break
    except OSError:
        pass
    system = platform.platform()
    try:
        for line in open("/etc/os-release"):
            if line.startswith("PRETTY_NAME="):
                system = line.split("=", 1)[1].strip().strip('"') + f", Linux {platform.release()}"
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {"cores": cores, "cpu": cpu, "memory": memory, "system": system}


def seconds(value):
    if value >= 10:
        return f"{value:.1f} s"
    if value >= 1:
        return f"{value:.2f} s"
    return f"{value * 1000:.0f} ms" if value >= 0.1 else f"{value * 1000:.1f} ms"


def megabytes(value):
    return f"{value / MB:,.1f} MB"


def load_flows(crank_json, prefect_json):
    crank = json.load(open(crank_json))
    prefect = json.load(open(prefect_json))
    crank_set = {(f["file"], f["function"].rsplit(".", 1)[-1]): f["name"] for f in crank["flows"]}
    prefect_set = {(f["file"], f["function"]): f["name"] for f in prefect}
    return crank, prefect, crank_set, prefect_set


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--hyperfine", required=True, help="hyperfine --export-json file")
    parser.add_argument("--crank-time", action="append", required=True, help="/usr/bin/time -v report (repeatable)")
    parser.add_argument("--prefect-time", required=True)
    parser.add_argument("--crank-json", required=True, help="crank discover --json output")
    parser.add_argument("--prefect-json", required=True, help="scripts/prefect_search.py output")
    parser.add_argument("--tree-summary", required=True, help="the generator's marker file")
    parser.add_argument("--versions", required=True, help="key=value lines")
    parser.add_argument("--command", action="append", default=[], help="NAME=COMMAND as timed")
    parser.add_argument("--settings", default="", help="hyperfine settings, for the record")
    parser.add_argument("--tree", default="bench-tree")
    parser.add_argument("--background-cpu", default="", help="how busy the CPUs were just before timing")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    tree = json.load(open(args.tree_summary))
    versions = dict(line.rstrip("\n").split("=", 1) for line in open(args.versions) if "=" in line)
    commands = dict(item.split("=", 1) for item in args.command)
    host = machine()
    now = datetime.datetime.now(datetime.timezone.utc)

    results = {}
    for result in json.load(open(args.hyperfine))["results"]:
        times = result["times"]
        results[result["command"]] = {
            "runs": len(times),
            "median": statistics.median(times),
            "min": min(times),
            "max": max(times),
            "mean": result["mean"],
            "stddev": result.get("stddev") or 0.0,
            "cores": (result["user"] + result["system"]) / result["mean"] if result["mean"] else 0.0,
        }
    grep, crank, prefect = results["grep"], results["crank"], results["prefect"]

    crank_mem = [parse_time_v(p) for p in args.crank_time]
    crank_rss = statistics.median(m["rss"] for m in crank_mem)
    prefect_mem = parse_time_v(args.prefect_time)

    crank_doc, prefect_doc, crank_set, prefect_set = load_flows(args.crank_json, args.prefect_json)
    diagnostics = crank_doc.get("diagnostics", [])
    only_crank = sorted(set(crank_set) - set(prefect_set))
    only_prefect = sorted(set(prefect_set) - set(crank_set))
    both = set(crank_set) & set(prefect_set)
    name_diffs = [k for k in both if crank_set[k] != prefect_set[k]]
    underscore_names = [k for k in name_diffs if prefect_set[k].replace("_", "-") == crank_set[k]]
    other_names = len(name_diffs) - len(underscore_names)
    constant_names = tree.get("prefect_matches_named_by_constant")

    checks = [
        ("crank lists every generated flow", len(crank_doc["flows"]) == tree["flows"],
         f"{len(crank_doc['flows'])} of {tree['flows']}"),
        ("crank reports no diagnostics", not diagnostics,
         f"{len(diagnostics)}" + (f" (first: {diagnostics[0]['file']}:{diagnostics[0].get('line')} "
                                  f"{diagnostics[0]['code']}: {diagnostics[0]['message']})" if diagnostics else "")),
        ("Prefect reports what its name-only matcher should", len(prefect_doc) == tree["prefect_name_matches"],
         f"{len(prefect_doc)} of {tree['prefect_name_matches']}"),
        ("found only by crank = flows through an alias", len(only_crank) == tree["crank_only_flows"],
         f"{len(only_crank)} (generated: {tree['crank_only_flows']})"),
        ("found only by Prefect = `@flow` from another library", len(only_prefect) == tree["prefect_only_matches"],
         f"{len(only_prefect)} (generated: {tree['prefect_only_matches']})"),
        ("names differ only by `_`/`-` or a `name=` constant", other_names == constant_names,
         f"{other_names} not explained by `_`/`-` (generated with a constant: {constant_names})"),
    ]
    correct = all(ok for _, ok, _ in checks)

    grep_ratio = crank["median"] / grep["median"]
    prefect_ratio = prefect["median"] / crank["median"]
    goals = [
        (f"crank within {GOAL_GREP_RATIO:g}x of `grep -rl`", f"crank / grep <= {GOAL_GREP_RATIO:g}",
         f"{grep_ratio:.2f}x", grep_ratio <= GOAL_GREP_RATIO),
        (f"crank >= {GOAL_PREFECT_RATIO:g}x faster than Prefect", f"Prefect / crank >= {GOAL_PREFECT_RATIO:g}",
         f"{prefect_ratio:.0f}x", prefect_ratio >= GOAL_PREFECT_RATIO),
        (f"crank peak memory <= {GOAL_PEAK_MB:g} MB", f"max RSS <= {GOAL_PEAK_MB:g} MB",
         megabytes(crank_rss), crank_rss <= GOAL_PEAK_MB * MB),
    ]
    if host["cores"] >= 2:
        goals.append(("crank uses both cores", f"(user + sys) / wall >= {GOAL_CORES:g}",
                      f"{crank['cores']:.2f} cores", crank["cores"] >= GOAL_CORES))

    def yes(ok):
        return "**met**" if ok else "**not met**"

    lines = [
        "# Benchmarks",
        "",
        "Regenerated by `make bench` (`scripts/bench/run.sh`); do not edit by hand. Every figure below",
        "comes from one run of that command on the machine described, so the ratios compare tools",
        "measured minutes apart on the same files with a warm page cache. `make bench-prefect` and",
        "`make bench-containers` re-measure only their own section, which then carries its own date.",
        "",
        "## What is measured",
        "",
        f"- **The tree**: `{args.tree}/`, written by `scripts/bench/generate_tree.py` (fixed seed",
        f"  {tree['seed']}, the same bytes on every machine): {tree['files']:,} `.py` files in 100 packages",
        f"  (three levels deep), {tree['bytes'] / MB:.1f} MB, {tree['flows']:,} Prefect flows in {tree['flow_files']:,} files",
        f"  (1-4 per file; {tree['async_flows']:,} async, {tree['method_flows']} on class methods; `@flow`, `@flow(...)`",
        "  on one or many lines, `@prefect.flow`, stacked decorators, names from constants). The other files",
        "  use Prefect tasks, mention flows in comments, strings and docstring examples, or are plain",
        f"  modules. {tree['files_containing_flow']:,} files contain the bytes `flow`, "
        f"{tree['files_containing_prefect_and_flow']:,} both `prefect` and `flow`.",
        "  Every file compiles under Python 3.11 (`generate_tree.py --check`).",
        "- **The commands**, timed by hyperfine in one invocation"
        + (f" ({args.settings})" if args.settings else "") + ":",
        "",
        "  | name | command | role |",
        "  |---|---|---|",
        f"  | grep | `{commands.get('grep', '')}` | the floor: reads every file once, no parsing |",
        f"  | crank | `{commands.get('crank', '')}` | crank's static discovery, the full JSON document |",
        f"  | prefect | `{commands.get('prefect', '')}` | Prefect's own `search_for_flow_functions` (what `prefect deploy` runs) |",
        "",
        "- **Wall time**: the median of hyperfine's runs; ratios are ratios of medians. **CPU** is",
        "  (user + sys) / wall, i.e. how many cores the command kept busy on average.",
        f"- **Peak memory**: maximum resident set size from GNU `/usr/bin/time -v`, median of {len(crank_mem)} runs",
        "  for crank, one run for Prefect (these runs also produce the outputs checked below). 1 MB = 10^6 bytes.",
        "",
        "Reproduce with:",
        "",
        "```sh",
        "make bench",
        "```",
        "",
        "It builds crank in release mode, installs hyperfine and GNU time if missing (apt), creates the",
        "`.venv` with Prefect (`make venv`), generates the tree once (reused while",
        f"`{args.tree}/.generated-v1` exists), times the three commands and rewrites this file.",
        "",
        f"## Results — {now:%Y-%m-%d %H:%M} UTC",
        "",
        f"Machine: {host['cores']} cores, {host['cpu']}, "
        + (f"{host['memory'] / 2**30:.1f} GiB RAM" if host["memory"] else "RAM unknown")
        + f", {host['system']}."
        + (f" CPUs busy in the 2 s before timing: {args.background_cpu}." if args.background_cpu else ""),
        "",
        "| command | runs | median | min | max | mean ± σ | CPU | peak memory |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    memory = {"grep": "", "crank": megabytes(crank_rss), "prefect": megabytes(prefect_mem["rss"])}
    for name in ("grep", "crank", "prefect"):
        r = results[name]
        lines.append(f"| {name} | {r['runs']} | {seconds(r['median'])} | {seconds(r['min'])} | {seconds(r['max'])} "
                     f"| {seconds(r['mean'])} ± {seconds(r['stddev'])} | {r['cores']:.2f} | {memory[name] or '—'} |")
    lines += [
        "",
        f"- crank / grep = **{grep_ratio:.2f}x** (crank takes {grep_ratio:.2f} times as long as `grep -rl`).",
        f"- Prefect / crank = **{prefect_ratio:.0f}x** (crank is {prefect_ratio:.0f} times faster than Prefect's search).",
        f"- Peak memory: crank {megabytes(crank_rss)} "
        f"(runs: {', '.join(megabytes(m['rss']) for m in crank_mem)}), Prefect {megabytes(prefect_mem['rss'])}.",
        "",
        "### Goals",
        "",
        "| goal | criterion | measured | |",
        "|---|---|---:|---|",
    ]
    lines += [f"| {goal} | {criterion} | {measured} | {yes(ok)} |" for goal, criterion, measured, ok in goals]
    lines += [
        "",
        "### Flows found",
        "",
        "| | flows |",
        "|---|---:|",
        f"| written by the generator (import-aware: decorators that resolve to `prefect.flow`) | {tree['flows']:,} |",
        f"| crank | {len(crank_doc['flows']):,} |",
        f"| expected from Prefect's name-only matcher | {tree['prefect_name_matches']:,} |",
        f"| Prefect `search_for_flow_functions` | {len(prefect_doc):,} |",
        "",
        f"The answers differ on purpose: {tree['crank_only_flows']} flows are decorated through an alias",
        "(`from prefect import flow as prefect_flow`, `import prefect as pf`), which Prefect's matcher does",
        f"not follow, and {tree['prefect_only_matches']} functions carry an `@flow` imported from an in-house",
        "library, which it counts. Of the "
        f"{len(both):,} flows both report, {len(underscore_names):,} have a different name because",
        "Prefect's search shows the raw function name where Prefect's runtime default (and crank) replace",
        f"`_` with `-`, and {other_names} because their `name=` is a module-level string constant, which",
        "crank resolves and Prefect's search replaces with the function name.",
        "",
        "| check | | result |",
        "|---|---|---|",
    ]
    lines += [f"| {label} | {'ok' if ok else '**MISMATCH**'} | {detail} |" for label, ok, detail in checks]
    lines += [
        "",
        "### Versions",
        "",
    ]
    lines += [f"- {key}: {value}" for key, value in versions.items()]
    lines.append("")
    # Sections measured by hand (no script of this run re-measures them) are carried over.
    kept = kept_sections(args.out, ["## Discovery of one large file", "## Remote hosts"])
    with open(args.out, "w") as handle:
        handle.write("\n".join(lines) + ("\n" + kept if kept else ""))

    # The same summary on stdout.
    print()
    print(f"make bench — {now:%Y-%m-%d %H:%M} UTC — {host['cores']} cores, {host['cpu']}")
    print(f"tree: {tree['files']:,} files, {tree['bytes'] / MB:.1f} MB, {tree['flows']:,} flows")
    print(f"{'command':<8} {'runs':>4} {'median':>10} {'min':>10} {'max':>10} {'CPU':>5} {'peak':>9}")
    for name in ("grep", "crank", "prefect"):
        r = results[name]
        print(f"{name:<8} {r['runs']:>4} {seconds(r['median']):>10} {seconds(r['min']):>10} {seconds(r['max']):>10} "
              f"{r['cores']:>5.2f} {memory[name] or '-':>9}")
    print(f"crank/grep {grep_ratio:.2f}x, prefect/crank {prefect_ratio:.0f}x")
    for goal, criterion, measured, ok in goals:
        print(f"  {'MET    ' if ok else 'NOT MET'}  {goal}: {measured} ({criterion})")
    for label, ok, detail in checks:
        print(f"  {'ok      ' if ok else 'MISMATCH'}  {label}: {detail}")
    print(f"wrote {args.out}")
    return 0 if correct else 1


def plural(count, noun):
    return f"{count} {noun}" + ("" if count == 1 else "s")


def prefect_register_section(data, invoked_by, crank_version):
    """The BENCHMARKS.md section for scripts/bench/prefect_register_bench.py's measurements."""
    host = machine()
    started = datetime.datetime.fromisoformat(data["started_at"])
    summary = data["summary"]
    commands = data["commands"]
    timed = [run for run in data["runs"] if not run["warmup"]]
    rows = {
        "prefect": f"`{commands['prefect']}`",
        "crank": f"`{commands['crank']}` (default `--jobs 4`)",
        "crank-jobs1": f"`{commands['crank']} --jobs 1`",
    }

    short = {"prefect": "prefect deploy", "crank": "crank deploy", "crank-jobs1": "crank deploy --jobs 1"}

    def median_503(name):
        values = [run["busy_answers"] for run in timed if run["command"] == name]
        return f"{statistics.median(values):g}" if values else "—"

    def ratio(name):
        prefect, crank = summary["prefect"]["median"], summary[name]["median"]
        return prefect / crank if prefect and crank else None

    lines = [
        "",
        f"{PREFECT_SECTION} — {started:%Y-%m-%d %H:%M} UTC",
        "",
        f"Measured by `{invoked_by}` (`scripts/bench/prefect_register_bench.py`), one run, one Prefect server.",
        f"{data['deployments']} flow deployments ({data['flow_files']} generated flow files x {data['flows_per_file']} flows,"
        f" typed parameters `{'`, `'.join(data['parameters'])}`),",
        f"one environment `{data['environment']}` with `target: prefect` and work pool `{data['work_pool']}`."
        " `prefect deploy` registers the `prefect.yaml` that",
        f"`crank build --env {data['environment']}` wrote once for the run; both run from the project root with",
        "`PREFECT_API_URL` set. The server: `prefect server start` on SQLite, 127.0.0.1, a temporary",
        f"PREFECT_HOME, healthy after {data['server_startup']:.1f} s.",
        "",
        "- **Every run registers all 50.** Before each timed run (untimed) every deployment on the server is",
        "  deleted through the REST API, so every run of every command starts from the same state — work",
        "  pool and flows exist, no deployment — and creates 50 deployments (`crank deploy` of an unchanged",
        "  project would register nothing). The reset is the same REST calls for every command, so neither",
        "  tool's own cleanup is timed or relied on. After each run the server must hold exactly the 50",
        "  expected deployments: names, flows, entrypoints, work pool, parameters, and a parameter schema",
        "  with the three parameters (`POST /api/deployments/filter`).",
        "- **crank twice**: with its default `--jobs 4` (the command as a user types it) and with `--jobs 1`,",
        "  one registration at a time as `prefect deploy` does, i.e. without any concurrency advantage.",
        f"- **Order**: {plural(data['runs_per_command'], 'timed round')}"
        + (f" after {plural(data['warmup'], 'untimed warm-up round')}" if data["warmup"] else "")
        + "; before them the harness creates the",
        "  50 flows and runs `prefect version` three times (untimed). Within a round the commands run one",
        "  after the other, and the order flips every round.",
        "- **Wall time** of the whole command (process start to exit), median of the runs that registered",
        "  all 50; ratios are ratios of medians. **CPU**: user + system seconds of the command's processes",
        "  and of the server process during the run (medians) — far less sensitive to other load on the",
        "  machine than wall time. **503s**: answers `Service Unavailable` (SQLite busy) the server gave",
        "  during the run (median) — retryable by design; Prefect's client retries them itself.",
        "  **Machine busy**: all CPUs, every process, during the run.",
        "",
        f"Machine: {host['cores']} cores, {host['cpu']}, "
        + (f"{host['memory'] / 2**30:.1f} GiB RAM" if host["memory"] else "RAM unknown")
        + f", {host['system']}. CPUs busy in the 2 s before the benchmark started: {data['machine_busy_before']:.0%};"
        f" during the timed runs: {min(r['machine_busy'] for r in timed):.0%}–{max(r['machine_busy'] for r in timed):.0%}"
        " (this benchmark's own processes included).",
        "",
        "| command | runs that registered all 50 | median | min | max | CPU: command / server | 503s per run |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, label in rows.items():
        s = summary[name]
        figures = [seconds(s[key]) if s[key] is not None else "—" for key in ("median", "min", "max")]
        cpu = f"{seconds(s['cpu'])} / {seconds(s['server_cpu'])}" if s.get("cpu") is not None else "—"
        lines.append(f"| {label} | {s['verified']} of {s['runs']} | {' | '.join(figures)} | {cpu} | {median_503(name)} |")
    lines += [""]
    if data.get("prefect_cli_startup"):
        lines.append(f"- Prefect CLI start-up alone (`prefect version`, median of 3): {seconds(data['prefect_cli_startup'])}.")
    for name in ("crank", "crank-jobs1"):
        r = ratio(name)
        if r:
            lines.append(f"- prefect deploy / {rows[name]} = **{r:.1f}x**"
                         + ("" if summary[name]["verified"] == summary[name]["runs"]
                            else f" (over the {plural(summary[name]['verified'], 'run')} that registered all 50)") + ".")
    lines += [
        "",
        "| goal | criterion | measured | |",
        "|---|---|---:|---|",
    ]
    for name in ("crank", "crank-jobs1"):
        s, r = summary[name], ratio(name)
        met = bool(r) and r >= GOAL_REGISTER_RATIO and s["verified"] == s["runs"]
        measured = f"{r:.1f}x" if r else "—"
        if s["verified"] < s["runs"]:
            measured += f", {s['runs'] - s['verified']} of {s['runs']} runs failed"
        lines.append(f"| register 50 deployments >= {GOAL_REGISTER_RATIO:g}x faster: {rows[name]} "
                     f"| prefect deploy / crank >= {GOAL_REGISTER_RATIO:g}, every run registers all 50 | {measured} "
                     f"| **{'met' if met else 'not met'}** |")
    floor = summary["crank-jobs1"].get("server_cpu")
    target = summary["prefect"]["median"] / GOAL_REGISTER_RATIO if summary["prefect"]["median"] else None
    if floor and target and floor > target:
        lines += [
            "",
            f"Why the goal is out of reach on this machine: the server alone spends {seconds(floor)} of CPU"
            f" ({floor / data['deployments'] * 1000:.0f} ms per deployment) handling crank's one `POST /deployments/`"
            f" per deployment (known flows are looked up in one request; Prefect has no bulk create), while"
            f" {GOAL_REGISTER_RATIO:g}x would need the whole `crank deploy` to finish in {seconds(target)}."
            f" `prefect deploy`'s own CPU ({seconds(summary['prefect'].get('cpu'))}) is mostly Python start-up and"
            " importing each flow to build its schema — the work crank does statically. Concurrency does not help"
            " against one SQLite-backed server: its writes are serialized, and parallel requests get 503 (retried"
            " with backoff), which is why `--jobs 1` is faster here; against Prefect Cloud or a Postgres-backed"
            " server, where network latency dominates, `--jobs` overlaps the round trips.",
        ]
    lines += [
        "",
        "Every run, in the order run:",
        "",
        "| round | command | wall | exit | deployments after | CPU: command / server | 503s | machine busy | |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for run in data["runs"]:
        label = "warm-up" if run["warmup"] else str(run["round"] - data["warmup"] + 1)
        verdict = "ok" if run["verified"] else "**failed**: " + "; ".join(run["problems"][:2]).replace("|", "\\|")
        lines.append(f"| {label} | {short[run['command']]} | {seconds(run['seconds'])} | {run['exit']} | {run['deployments']} "
                     f"| {seconds(run['cpu'])} / {seconds(run['server_cpu'])} | {run['busy_answers']} | {run['machine_busy']:.0%} | {verdict} |")
    failures = [run for run in data["runs"] if not run["verified"] and run["output_tail"]]
    if failures:
        lines += ["", "What the failed runs printed last (a failed `crank deploy` restores the previous live release, or",
                  "removes what it registered when there is none: hence 50 or 0 deployments after it):", ""]
        for run in failures:
            error = next((line for line in reversed(run["output_tail"]) if line.startswith("error:")), run["output_tail"][-1])
            label = "warm-up" if run["warmup"] else f"run {run['round'] - data['warmup'] + 1}"
            lines.append(f"- {short[run['command']]}, {label}: `{error}`")
    differing = data.get("differing_fields", {})
    normalized = data.get("differing_fields_normalized", {})
    lines += ["", "**The same deployments?** Field by field (" + ", ".join(f"`{f}`" for f in data["example"].get("prefect", {}))
              + "), what crank registered against what `prefect deploy` registered: "]
    if not data["example"].get("prefect") or len(data["example"]) < 2:
        lines[-1] += "not compared (a command never succeeded)."
    elif not differing:
        lines[-1] += "identical for all 50."
    else:
        lines[-1] += ("; ".join(f"`{field}` differs in {count}" for field, count in sorted(differing.items()))
                      + (". Without empty `definitions`/`required` entries (JSON Schema defaults) they are identical."
                         if not normalized else
                         ". Still differing without empty `definitions`/`required`: "
                         + ", ".join(f"`{field}` ({count})" for field, count in sorted(normalized.items())) + "."))
    lines += [
        "",
        "Reproduce with:",
        "",
        "```sh",
        "make bench-prefect   # this section only; `make bench` measures everything",
        "```",
        "",
        f"The benchmark took {data['wall_seconds']:.0f} s (server start, set-up and all runs). Versions: crank {crank_version};",
        f"prefect {data['versions']['prefect']}.",
        "",
    ]
    return "\n".join(lines)


def kept_sections(path, headings):
    """The sections of `path` whose `## ` heading starts with one of `headings`, in file order."""
    if not os.path.exists(path):
        return ""
    lines = open(path).read().split("\n")
    kept, keeping = [], False
    for line in lines:
        if line.startswith("## "):
            keeping = any(line.startswith(heading) for heading in headings)
        if keeping:
            kept.append(line)
    return "\n".join(kept).rstrip("\n") + "\n" if kept else ""


def splice_section(path, section, heading=PREFECT_SECTION):
    """Replaces the `heading` section of `path` (up to the next `## ` heading) or appends it."""
    text = open(path).read() if os.path.exists(path) else ""
    lines = text.split("\n")
    start = next((i for i, line in enumerate(lines) if line.startswith(heading)), None)
    if start is None:
        merged = text.rstrip("\n") + "\n" + section
    else:
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
        before = "\n".join(lines[:start]).rstrip("\n") + "\n"
        after = "\n".join(lines[end:])
        merged = before + section + ("\n" + after if after.strip() else "")
    with open(path, "w") as handle:
        handle.write(merged)


def prefect_register_main(argv):
    parser = argparse.ArgumentParser(prog="report.py prefect-register", description="the Prefect registration section of BENCHMARKS.md")
    parser.add_argument("--results", required=True, help="prefect_register_bench.py --out file")
    parser.add_argument("--invoked-by", default="make bench", help="the command that ran the benchmark, for the record")
    parser.add_argument("--crank-version", default="", help="crank --version and the commit it was built from")
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    data = json.load(open(args.results))
    splice_section(args.out, prefect_register_section(data, args.invoked_by, args.crank_version or data["versions"]["crank"]))

    summary = data["summary"]
    print()
    print(f"register {data['deployments']} Prefect deployments — {data['started_at']}")
    for name, s in summary.items():
        figures = " ".join(f"{key} {seconds(s[key]) if s[key] is not None else '-'}" for key in ("median", "min", "max"))
        print(f"  {name:<12} {s['verified']} of {s['runs']} runs registered all {data['deployments']}; {figures}")
    for name in ("crank", "crank-jobs1"):
        if summary["prefect"]["median"] and summary[name]["median"]:
            print(f"  prefect / {name}: {summary['prefect']['median'] / summary[name]['median']:.1f}x (goal >= {GOAL_REGISTER_RATIO:g}x)")
    print(f"wrote {args.out}")
    return 0 if all(s["verified"] == s["runs"] for s in summary.values()) else 1


if __name__ == "__main__":
    if sys.argv[1:2] == ["prefect-register"]:
        sys.exit(prefect_register_main(sys.argv[2:]))
    if sys.argv[1:2] == ["containers"]:
        sys.dont_write_bytecode = True  # no __pycache__ next to the scripts
        import container_report
        sys.exit(container_report.main(sys.argv[2:]))
    if sys.argv[1:2] == ["hosts"]:
        sys.dont_write_bytecode = True
        import hosts_report
        sys.exit(hosts_report.main(sys.argv[2:]))
    sys.exit(main())
