"""Prefect's own import-free flow search, as `prefect deploy` runs it interactively.

Usage: python scripts/prefect_search.py DIR
Prints a JSON list of {"name", "function", "file"} with `file` relative to DIR.
Used by the cross-check test and by `make bench` as the baseline crank must beat.
"""
import asyncio
import json
import os
import sys

from prefect.cli._prompts import search_for_flow_functions


def main() -> None:
    root = os.path.abspath(sys.argv[1])
    found = asyncio.run(search_for_flow_functions(root))
    flows = [
        {
            "name": item["flow_name"],
            "function": item["function_name"],
            "file": os.path.relpath(item["filepath"], root).replace(os.sep, "/"),
        }
        for item in found
    ]
    json.dump(flows, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
