"""Two crank binaries against each other on the remote-hosts benchmark's set-up (hosts_bench.py):
the same six simulated hosts and projects, `crank deploy` of a new release to 1, 3 and 6 hosts,
the binaries alternating run by run (the order flips every round) so both see the same load.
Every run is checked as in hosts_bench.py. For measuring a change before and after; prints a
markdown table and writes the runs to a JSON file.

Usage: python3 scripts/bench/hosts_ab.py BEFORE_CRANK AFTER_CRANK --out RESULTS.json [--runs N]
"""
import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile

import hosts_bench


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("--out", required=True)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    binaries = {"before": os.path.abspath(args.before), "after": os.path.abspath(args.after)}
    work = tempfile.mkdtemp(prefix="crank-hosts-ab.")
    bench = hosts_bench.Bench(binaries["after"], work, args.runs)
    runs = []
    try:
        bench.start()
        for index in range(1, args.runs + 1):
            for count in hosts_bench.COUNTS:
                order = ("before", "after") if (index + count) % 2 else ("after", "before")
                for label in order:
                    bench.crank = binaries[label]
                    run = bench.measure(count, "crank", f"{label[0]}{index}")
                    runs.append({**run, "binary": label, "round": index})
            hosts_bench.log(f"round {index}/{args.runs}: " + ", ".join(
                f"{r['binary']}@{r['hosts']} {r['seconds']:.2f} s" for r in runs if r["round"] == index))
    finally:
        bench.stop()
        shutil.rmtree(work, ignore_errors=True)
    with open(args.out, "w") as handle:
        json.dump(runs, handle, indent=1)
    medians = {(label, count): statistics.median([r["seconds"] for r in runs if r["binary"] == label and r["hosts"] == count and r["ok"]] or [0])
               for label in binaries for count in hosts_bench.COUNTS}
    print("| hosts | before | after | after / before |")
    print("|---:|---:|---:|---:|")
    for count in hosts_bench.COUNTS:
        before, after = medians[("before", count)], medians[("after", count)]
        print(f"| {count} | {before:.2f} s | {after:.2f} s | {after / before:.2f}x |" if before else f"| {count} | — | {after:.2f} s | — |")
    for label in binaries:
        print(f"{label}: 6 hosts / 1 host = {medians[(label, 6)] / medians[(label, 1)]:.2f}x" if medians[(label, 1)] else label)
    failed = [r for r in runs if not r["ok"]]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
