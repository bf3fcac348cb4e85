"""RPA 1: invoice intake.

Picks up invoice files from a drop directory, parses them and reports a
summary. Safe to run anywhere: a missing source directory yields an empty run.
"""

from __future__ import annotations

import json
from pathlib import Path

from prefect import flow, task

INVOICE_SUFFIXES = {".json", ".txt", ".csv"}


@task(name="list-invoice-files")
def list_invoice_files(source_dir: str, batch_size: int) -> list[Path]:
    """Return up to ``batch_size`` invoice files from ``source_dir``, oldest name first."""
    root = Path(source_dir)
    if not root.is_dir():
        print(f"source directory {root} does not exist; nothing to do")
        return []
    files = sorted(
        p for p in root.iterdir() if p.is_file() and p.suffix.lower() in INVOICE_SUFFIXES
    )
    return files[: max(batch_size, 0)]


@task(name="parse-invoice")
def parse_invoice(path: Path) -> dict:
    """Parse one fake invoice.

    ``.json`` files are read as objects; other files are read as ``key: value``
    (or ``key,value``) lines. Only a few well-known fields are kept.
    """
    text = path.read_text(encoding="utf-8", errors="replace")
    fields: dict[str, str] = {}
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            return {"file": path.name, "ok": False, "error": f"invalid JSON: {exc}"}
        if isinstance(data, dict):
            fields = {str(k).lower(): str(v) for k, v in data.items()}
    else:
        for line in text.splitlines():
            sep = ":" if ":" in line else ","
            key, _, value = line.partition(sep)
            if value:
                fields[key.strip().lower()] = value.strip()

    try:
        amount = round(float(fields.get("amount", "0").replace(",", "")), 2)
    except ValueError:
        amount = None
    return {
        "file": path.name,
        "ok": amount is not None and "invoice_id" in fields,
        "invoice_id": fields.get("invoice_id"),
        "vendor": fields.get("vendor"),
        "amount": amount,
    }


@flow(name="rpa1-invoice-intake", retries=2, retry_delay_seconds=30, log_prints=True)
def intake(source_dir: str = "inbox", batch_size: int = 50, dry_run: bool = False) -> dict:
    """Read a batch of invoices from ``source_dir`` and summarise them.

    Args:
        source_dir: directory to read invoices from (missing directory = no work).
        batch_size: maximum number of invoices handled in one run.
        dry_run: parse only; do not move processed files to ``<source_dir>/processed``.
    """
    files = list_invoice_files(source_dir, batch_size)
    results = [parse_invoice(p) for p in files]
    good = [r for r in results if r["ok"]]
    total = round(sum(r["amount"] for r in good), 2)

    if not dry_run and files:
        processed = Path(source_dir) / "processed"
        processed.mkdir(exist_ok=True)
        for path, result in zip(files, results):
            if result["ok"]:
                path.replace(processed / path.name)

    summary = {
        "seen": len(results),
        "parsed": len(good),
        "failed": [r["file"] for r in results if not r["ok"]],
        "total_amount": total,
        "dry_run": dry_run,
    }
    print(f"invoice intake summary: {summary}")
    return summary


if __name__ == "__main__":
    intake()
