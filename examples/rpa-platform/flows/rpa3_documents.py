"""RPA 3: document conversion with pandoc.

The flow decorator is imported under an alias on purpose, to exercise
crank's static flow discovery.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from pathlib import Path

from prefect import flow as prefect_flow


def _pandoc() -> str:
    pandoc = shutil.which("pandoc")
    if pandoc is None:
        raise RuntimeError(
            "pandoc was not found on PATH; install it (e.g. `apt-get install -y pandoc`)"
        )
    return pandoc


@prefect_flow
def convert_documents(input_dir: str = "docs", output_format: str = "pdf") -> list[str]:
    """Convert every ``*.md`` file in ``input_dir`` with pandoc.

    Output files are written next to their sources with the ``output_format``
    extension. Returns the list of written files.
    """
    root = Path(input_dir)
    if not root.is_dir():
        print(f"input directory {root} does not exist; nothing to convert")
        return []
    sources = sorted(root.glob("*.md"))
    if not sources:
        return []
    pandoc = _pandoc()
    written: list[str] = []
    for src in sources:
        dest = src.with_suffix(f".{output_format}")
        subprocess.run([pandoc, str(src), "-o", str(dest)], check=True)
        written.append(str(dest))
        print(f"converted {src} -> {dest}")
    return written


@prefect_flow(name="rpa3-healthcheck")
async def healthcheck(timeout_seconds: float = 5.0) -> dict:
    """Check that pandoc is installed and answers ``--version`` within the timeout."""
    pandoc = shutil.which("pandoc")
    if pandoc is None:
        return {"ok": False, "reason": "pandoc not found on PATH"}
    proc = await asyncio.create_subprocess_exec(
        pandoc,
        "--version",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        out, _ = await asyncio.wait_for(proc.communicate(), timeout=timeout_seconds)
    except asyncio.TimeoutError:
        proc.kill()
        await proc.wait()
        return {"ok": False, "reason": f"pandoc did not answer within {timeout_seconds}s"}
    first_line = out.decode(errors="replace").splitlines()[0] if out else ""
    return {"ok": proc.returncode == 0, "version": first_line}


if __name__ == "__main__":
    convert_documents()
