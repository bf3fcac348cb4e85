"""Turns one `make bench` run's measurements into BENCHMARKS.md and a summary on stdout.

Called by scripts/bench/run.sh; standard library only. Exits 1 when the tools' flow counts do not
match what the generator wrote (BENCHMARKS.md is still written, with the mismatch in it).
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
        "measured minutes apart on the same files with a warm page cache.",
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
    with open(args.out, "w") as handle:
        handle.write("\n".join(lines))

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


if __name__ == "__main__":
    sys.exit(main())
