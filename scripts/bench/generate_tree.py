"""Writes the synthetic tree `make bench` times: 10,000 .py files, ~40 MB, thousands of flows.

Usage:
    python3 scripts/bench/generate_tree.py OUTDIR           # write the tree (deterministic)
    python3 scripts/bench/generate_tree.py --check OUTDIR   # compile() every file, recount flows

Standard library only; the same seed gives the same bytes on every machine. The layout is 100
packages (`billing_core/`, `ingest_eu/`, ...) of 100 files each: `__init__.py` + 69 modules,
`<sub>/__init__.py` + 19 modules and `<sub>/<deep>/__init__.py` + 9 modules.

About 35% of the files define Prefect flows (1-4 each) in varied styles: `from prefect import flow`
with `@flow`, `@flow()`, `@flow(name=..., retries=..., tags=[...])` on one or many lines,
`import prefect` with `@prefect.flow`, async flows, docstrings, typed parameters with defaults,
stacked decorators, names from module constants, flows on class methods. Others use Prefect tasks
or say "flow" in comments, strings and identifiers (workflow, cash flow, docstring examples
showing `@flow`) without defining one, or are plain modules (functions, dataclasses, SQL and
other long string literals) that make up the byte size.

Two small groups make the tools' answers differ on purpose, and the summary counts them:
  - flows through an alias (`from prefect import flow as prefect_flow`, `import prefect as pf`):
    real flows that Prefect's name-only matcher (`search_for_flow_functions`) does not see;
  - `@flow` imported from an in-house library (not Prefect): Prefect's matcher counts them,
    an import-aware finder must not.

The summary (stdout, and the marker file OUTDIR/.generated-v1 written last) holds:
  files, bytes, flows (what an import-aware finder must list: module-level and method flows
  whose decorator resolves to prefect.flow), prefect_name_matches (what Prefect's matcher
  reports), crank_only_flows, prefect_only_matches, and more detail.
"""
import ast
import json
import math
import os
import random
import sys

VERSION = "generated-v1"
MARKER = ".generated-v1"
SEED = 20_261_123
FILES = 10_000
TARGET_BYTES = 40 * 1024 * 1024  # 41.9 MB; +-10% of "40 MB" either way

DOMAINS = [
    "billing", "ingest", "reporting", "inventory", "payments", "customers", "analytics",
    "shipping", "marketing", "catalog", "risk", "pricing", "search", "identity",
    "notifications", "warehouse", "forecasting", "compliance", "support", "scheduling",
]
REGIONS = ["core", "eu", "us", "apac", "legacy"]
NOUNS = [
    "order", "invoice", "customer", "account", "payment", "shipment", "product", "price",
    "ledger", "event", "session", "report", "metric", "user", "vendor", "contract", "refund",
    "stock", "forecast", "campaign", "ticket", "address", "tax", "currency", "batch", "file",
    "record", "snapshot", "audit", "alert", "partner", "region", "coupon", "review", "return",
]
VERBS = [
    "load", "extract", "sync", "refresh", "compute", "reconcile", "export", "ingest",
    "validate", "aggregate", "backfill", "publish", "score", "clean", "archive", "notify",
    "rebuild", "enrich", "dedupe", "rollup", "transform", "snapshot", "migrate", "summarize",
]
ROLES = [
    "etl", "models", "utils", "jobs", "pipeline", "api", "schemas", "tasks", "sync", "reports",
    "loaders", "transforms", "validators", "clients", "settings", "flows", "helpers", "queries",
]
SUBS = ["internal", "adapters", "workflows", "services", "legacy", "contrib"]
DEEPS = ["v1", "v2", "experimental", "backends", "handlers"]
TAGS = ["nightly", "hourly", "critical", "finance", "ops", "ml", "batch", "adhoc", "gdpr", "sla"]
ACCENTS = ["café", "naïve", "Größe", "€ amounts", "São Paulo", "Zürich", "résumé", "—"]


class Counter:
    def __init__(self):
        self.value = 0

    def next(self):
        self.value += 1
        return self.value


# ---------------------------------------------------------------------------------------------
# Filler: realistic plain Python that makes up most of the bytes.


def ident(rng):
    return f"{rng.choice(VERBS)}_{rng.choice(NOUNS)}"


def plural(noun):
    if noun.endswith(("s", "x", "ch")):
        return noun + "es"
    if noun.endswith("y"):
        return noun[:-1] + "ies"
    return noun + "s"


def camel(word):
    return "".join(part.capitalize() for part in word.split("_"))


def maybe_accent(rng):
    return f" ({rng.choice(ACCENTS)})" if rng.random() < 0.1 else ""


def block_function(rng, uid):
    name = f"{ident(rng)}_{uid}"
    noun = rng.choice(NOUNS)
    threshold = rng.choice(["0.5", "1e-3", "10", "0.25"])
    lines = [
        f"def {name}(records: Iterable[dict[str, Any]], threshold: float = {threshold}, *, label: str = \"{noun}\") -> dict[str, Any]:",
        f'    """Aggregate {noun} records above `threshold`{maybe_accent(rng)}.',
        "",
        "    Records without a numeric ``value`` are skipped and counted separately, so the",
        "    caller can tell bad input from an empty batch. The result is a plain dict that",
        "    serialises to JSON without custom encoders.",
        '    """',
        '    totals: dict[str, Any] = {"count": 0, "skipped": 0, "sum": 0.0, "label": label}',
        "    for index, record in enumerate(records):",
        "        raw = record.get(\"value\")",
        "        if raw is None or isinstance(raw, bool):",
        "            totals[\"skipped\"] += 1  # missing or boolean values are not amounts",
        "            continue",
        "        try:",
        f"            value = float(raw) * {rng.randint(1, 9)}",
        "        except (TypeError, ValueError):",
        "            totals[\"skipped\"] += 1",
        "            continue",
        "        if value > threshold:",
        "            totals[\"count\"] += 1",
        "            totals[\"sum\"] += value",
        f"        if index % {rng.choice([100, 500, 1000])} == 0:",
        f"            log.debug(\"{name}: %d records, running sum %.2f\", index, totals[\"sum\"])",
        "    totals[\"mean\"] = totals[\"sum\"] / totals[\"count\"] if totals[\"count\"] else 0.0",
        "    totals[\"message\"] = f\"processed {totals['count']} records for {label!r}\"",
        "    return totals",
    ]
    return "\n".join(lines) + "\n"


def block_dataclass(rng, uid):
    noun = rng.choice(NOUNS)
    cls = f"{camel(noun)}Record{uid}"
    fields = rng.sample(["id: int", "name: str", "amount: Decimal = Decimal(\"0\")",
                         "currency: str = \"EUR\"", "created_at: datetime | None = None",
                         "tags: list[str] = field(default_factory=list)", "active: bool = True",
                         "region: str = \"eu-west-1\"", "version: int = 1",
                         "notes: str = \"\""], k=rng.randint(4, 8))
    # dataclass fields without defaults must come first
    fields.sort(key=lambda f: "=" in f)
    lines = ["@dataclass(frozen=True, slots=True)", f"class {cls}:",
             f'    """One {noun} row as the warehouse stores it{maybe_accent(rng)}."""', ""]
    lines += [f"    {f}" for f in fields]
    lines += [
        "",
        "    @classmethod",
        f"    def from_row(cls, row: Mapping[str, Any]) -> \"{cls}\":",
        "        known = {f.name for f in fields(cls)}",
        "        return cls(**{key: value for key, value in row.items() if key in known})",
        "",
        "    def to_json(self) -> str:",
        "        return json.dumps(asdict(self), default=str, sort_keys=True)",
        "",
        "    def __str__(self) -> str:",
        f"        return f\"{cls}({{self.__dict__ if hasattr(self, '__dict__') else 'slots'}})\"",
    ]
    return "\n".join(lines) + "\n"


def block_sql(rng, uid):
    noun = rng.choice(NOUNS)
    other = rng.choice(NOUNS)
    columns = rng.sample(["id", "created_at", "updated_at", "amount", "currency", "status",
                          "customer_id", "region", "source", "version", "deleted_at", "score"],
                         k=rng.randint(4, 9))
    cols = ",\n".join(f"    {noun[0]}.{c}" for c in columns)
    text = (
        f"{noun.upper()}_{other.upper()}_QUERY_{uid} = \"\"\"\n"
        f"-- {noun} joined with {other}; keep in sync with the dbt model {noun}_{other}_v{rng.randint(1, 4)}\n"
        f"SELECT\n{cols},\n    COUNT(*) OVER (PARTITION BY {noun[0]}.region) AS region_count\n"
        f"FROM {plural(noun)} AS {noun[0]}\n"
        f"JOIN {plural(other)} AS {other[0]}2 ON {other[0]}2.{noun}_id = {noun[0]}.id\n"
        f"WHERE {noun[0]}.created_at >= %(start)s\n  AND {noun[0]}.created_at < %(end)s\n"
        f"  AND {noun[0]}.status IN ('open', 'pending', 'settled')\n"
        f"ORDER BY {noun[0]}.created_at DESC\nLIMIT {rng.choice([100, 1000, 5000, 10000])}\n\"\"\"\n"
    )
    return text


def block_mapping(rng, uid):
    noun = rng.choice(NOUNS)
    entries = []
    for _ in range(rng.randint(8, 30)):
        key = f"{rng.choice(NOUNS)}_{rng.choice(ROLES)}"
        value = rng.choice([
            f"{rng.randint(0, 10_000)}",
            f"\"{rng.choice(REGIONS)}-{rng.randint(1, 9)}\"",
            f"{rng.random():.4f}",
            f"(\"{rng.choice(NOUNS)}\", {rng.randint(1, 99)})",
            "None",
            "True",
            f"[\"{rng.choice(TAGS)}\", \"{rng.choice(TAGS)}\"]",
        ])
        entries.append(f"    \"{key}\": {value},")
    return f"{noun.upper()}_DEFAULTS_{uid}: dict[str, Any] = {{\n" + "\n".join(entries) + "\n}\n"


def block_async(rng, uid):
    noun = rng.choice(NOUNS)
    name = f"fetch_{plural(noun)}_{uid}"
    return (
        f"async def {name}(client: \"httpx.AsyncClient\", ids: Sequence[int], *, concurrency: int = {rng.choice([4, 8, 16])}) -> list[dict[str, Any]]:\n"
        f"    \"\"\"Fetch {plural(noun)} page by page; at most `concurrency` requests in flight.\"\"\"\n"
        "    semaphore = asyncio.Semaphore(concurrency)\n"
        "    results: list[dict[str, Any]] = []\n"
        "\n"
        "    async def one(item_id: int) -> None:\n"
        "        async with semaphore:\n"
        f"            response = await client.get(f\"/api/v{rng.randint(1, 3)}/{plural(noun)}/{{item_id}}\", timeout={rng.choice([5, 10, 30])})\n"
        "            if response.status_code == 404:\n"
        "                return\n"
        "            response.raise_for_status()\n"
        "            results.append(response.json())\n"
        "\n"
        "    await asyncio.gather(*(one(item_id) for item_id in ids))\n"
        "    return sorted(results, key=lambda item: item.get(\"id\", 0))\n"
    )


def block_match(rng, uid):
    noun = rng.choice(NOUNS)
    return (
        f"def classify_{noun}_{uid}(event: dict[str, Any]) -> str:\n"
        "    match event:\n"
        f"        case {{\"type\": \"created\", \"{noun}\": {{\"id\": int(ident)}}}}:\n"
        "            return f\"new:{ident}\"\n"
        "        case {\"type\": \"updated\", \"changes\": [*changes]} if changes:\n"
        "            return f\"changed:{len(changes)}\"\n"
        "        case {\"type\": \"deleted\" | \"archived\" as kind}:\n"
        "            return kind\n"
        "        case _:\n"
        f"            raise ValueError(f\"unexpected {noun} event: {{event!r}}\")\n"
    )


def block_enum(rng, uid):
    noun = rng.choice(NOUNS)
    members = rng.sample(["PENDING", "OPEN", "SETTLED", "FAILED", "CANCELLED", "ARCHIVED",
                          "REFUNDED", "ON_HOLD", "DRAFT", "EXPIRED"], k=rng.randint(3, 7))
    lines = [f"class {camel(noun)}Status{uid}(str, Enum):",
             f'    """Lifecycle of a {noun}; values are stored as lowercase strings."""', ""]
    lines += [f"    {m} = \"{m.lower()}\"" for m in members]
    lines += ["", "    @property", "    def is_final(self) -> bool:",
              f"        return self in {{{', '.join('type(self).' + m for m in members[:2])}}}"]
    return "\n".join(lines) + "\n"


def block_regex(rng, uid):
    noun = rng.choice(NOUNS)
    return (
        f"{noun.upper()}_ID_RE_{uid} = re.compile(r\"^(?P<prefix>[A-Z]{{2,4}})-(?P<year>\\d{{4}})-(?P<seq>\\d+)$\")\n"
        f"{noun.upper()}_LINE_RE_{uid} = re.compile(\n"
        "    r\"\"\"\n"
        "    (?P<date>\\d{4}-\\d{2}-\\d{2})\\s+   # ISO date\n"
        "    (?P<amount>-?\\d+(?:\\.\\d{1,2})?)\\s+  # amount with optional cents\n"
        "    (?P<memo>.*)$                       # the rest\n"
        "    \"\"\",\n"
        "    re.VERBOSE,\n"
        ")\n"
        "\n"
        "\n"
        f"def parse_{noun}_line_{uid}(line: str) -> tuple[str, Decimal, str] | None:\n"
        f"    if (found := {noun.upper()}_LINE_RE_{uid}.match(line.strip())) is None:\n"
        "        return None\n"
        "    return found[\"date\"], Decimal(found[\"amount\"]), found[\"memo\"].strip()\n"
    )


def block_help_text(rng, uid):
    noun = rng.choice(NOUNS)
    words = []
    for _ in range(rng.randint(60, 220)):
        words.append(rng.choice(NOUNS + VERBS + ["the", "a", "of", "and", "to", "is", "for",
                                                 "with", "when", "each", "every", "not"]))
    paragraphs = []
    for start in range(0, len(words), 14):
        paragraphs.append(" ".join(words[start:start + 14]))
    body = "\n".join(paragraphs)
    return f"{noun.upper()}_HELP_{uid} = \"\"\"\\\n{body.capitalize()}.\n\"\"\"\n"


def block_class(rng, uid):
    noun = rng.choice(NOUNS)
    cls = f"{camel(noun)}Repository{uid}"
    return (
        f"class {cls}:\n"
        f"    \"\"\"Reads and writes {plural(noun)}; the connection is injected so tests can fake it.\"\"\"\n"
        "\n"
        f"    table = \"{plural(noun)}\"\n"
        "\n"
        "    def __init__(self, connection: Any, *, schema: str = \"public\", page_size: int = 500) -> None:\n"
        "        self._connection = connection\n"
        "        self._schema = schema\n"
        "        self._page_size = page_size\n"
        "        self._cache: dict[int, dict[str, Any]] = {}\n"
        "\n"
        "    def get(self, key: int) -> dict[str, Any] | None:\n"
        "        if key in self._cache:\n"
        "            return self._cache[key]\n"
        "        with self._connection.cursor() as cursor:\n"
        "            cursor.execute(f\"SELECT * FROM {self._schema}.{self.table} WHERE id = %s\", (key,))\n"
        "            row = cursor.fetchone()\n"
        "        if row is not None:\n"
        "            self._cache[key] = dict(row)\n"
        "        return row\n"
        "\n"
        "    def iter_pages(self, since: datetime) -> Iterator[list[dict[str, Any]]]:\n"
        "        offset = 0\n"
        "        while True:\n"
        "            with self._connection.cursor() as cursor:\n"
        "                cursor.execute(\n"
        "                    f\"SELECT * FROM {self._schema}.{self.table} WHERE updated_at >= %s ORDER BY id LIMIT %s OFFSET %s\",\n"
        "                    (since, self._page_size, offset),\n"
        "                )\n"
        "                page = [dict(row) for row in cursor.fetchall()]\n"
        "            if not page:\n"
        "                return\n"
        "            yield page\n"
        "            offset += len(page)\n"
        "\n"
        "    def __repr__(self) -> str:\n"
        "        return f\"<{type(self).__name__} {self._schema}.{self.table} page_size={self._page_size}>\"\n"
    )


def block_flow_words(rng, uid):
    """Code that says "flow" without being a Prefect flow."""
    noun = rng.choice(NOUNS)
    variant = rng.randrange(4)
    if variant == 0:
        return (
            f"def cash_flow_{noun}_{uid}(inflows: list[Decimal], outflows: list[Decimal]) -> Decimal:\n"
            "    \"\"\"Net cash flow of a period: inflows minus outflows.\"\"\"\n"
            "    # flow = in - out; negative means the period burned cash\n"
            "    flow = sum(inflows, Decimal(0)) - sum(outflows, Decimal(0))\n"
            "    return flow.quantize(Decimal(\"0.01\"))\n"
        )
    if variant == 1:
        return (
            f"WORKFLOW_STEPS_{uid} = [\"validate\", \"enrich\", \"{rng.choice(VERBS)}\", \"publish\"]  # the workflow order matters\n"
            f"FLOW_RATE_LIMIT_{uid} = {rng.randint(10, 500)}  # requests per second into the {noun} service\n"
        )
    if variant == 2:
        return (
            f"def describe_workflow_{uid}(steps: Sequence[str]) -> str:\n"
            "    # Not a Prefect flow: a plain description for the admin page.\n"
            "    arrows = \" -> \".join(steps)\n"
            f"    return f\"{noun} workflow: {{arrows}} (control flow is linear)\"\n"
        )
    return (
        f"class FlowControl{uid}:\n"
        "    \"\"\"Token bucket for back-pressure; 'flow control' as in TCP, nothing to do with orchestration.\"\"\"\n"
        "\n"
        "    def __init__(self, rate: float, burst: int) -> None:\n"
        "        self.rate, self.burst, self.tokens = rate, burst, float(burst)\n"
        "\n"
        "    def allow(self, elapsed: float) -> bool:\n"
        "        self.tokens = min(self.burst, self.tokens + elapsed * self.rate)\n"
        "        if self.tokens >= 1:\n"
        "            self.tokens -= 1\n"
        "            return True\n"
        "        return False\n"
    )


FILLERS = [
    (block_function, 18), (block_dataclass, 10), (block_sql, 10), (block_mapping, 8),
    (block_async, 8), (block_match, 5), (block_enum, 6), (block_regex, 6),
    (block_help_text, 8), (block_class, 12), (block_flow_words, 3),
]
FILLER_FUNCS = [f for f, _ in FILLERS]
FILLER_WEIGHTS = [w for _, w in FILLERS]

STANDARD_IMPORTS = [
    "import asyncio", "import json", "import logging", "import os", "import re",
    "from collections.abc import Iterable, Iterator, Mapping, Sequence",
    "from dataclasses import asdict, dataclass, field, fields",
    "from datetime import date, datetime, timedelta, timezone",
    "from decimal import Decimal", "from enum import Enum", "from typing import Any",
]


# ---------------------------------------------------------------------------------------------
# Flows.

# style: (import line, flow decorator, task decorator, logger call, seen by Prefect's matcher)
STYLES = {
    "from": ("from prefect import flow, task, get_run_logger", "flow", "task", "get_run_logger()", True),
    "module": ("import prefect", "prefect.flow", "prefect.task", "prefect.get_run_logger()", True),
    "alias_from": ("from prefect import flow as prefect_flow, task, get_run_logger", "prefect_flow", "task", "get_run_logger()", False),
    "alias_module": ("import prefect as pf", "pf.flow", "pf.task", "pf.get_run_logger()", False),
}

PARAMS = [
    [],
    ["source: str = \"s3://raw-bucket/{nouns}\"", "limit: int = 1_000"],
    ["day: date | None = None", "*", "dry_run: bool = False"],
    ["batch_size: int = 500", "regions: list[str] | None = None", "**options: Any"],
    ["start: datetime", "end: datetime", "chunk: timedelta = timedelta(hours=1)"],
    ["{noun}_ids: list[int]", "force: bool = False"],
    ["*paths: str"],
    ["config: dict[str, Any] | None = None", "retries: int = 3", "timeout: float = 30.0"],
    ["environment: str = \"prod\"", "notify: bool = True", "owner: str = \"data-platform@example.com\""],
]


def decorator_text(rng, deco, flow_name, name_const, style_kind):
    """One flow decorator (possibly over several lines) and whether it is a call."""
    form = rng.random()
    if form < 0.25:
        return f"@{deco}\n"
    if form < 0.30:
        return f"@{deco}()\n"
    kwargs = []
    if rng.random() < 0.75:
        kwargs.append(f"name={name_const}" if name_const else f"name=\"{flow_name}\"")
    if rng.random() < 0.5:
        kwargs.append(f"retries={rng.randint(1, 5)}")
        if rng.random() < 0.6:
            kwargs.append(f"retry_delay_seconds={rng.choice([10, 30, 60, 300])}")
    if rng.random() < 0.5:
        tags = rng.sample(TAGS, k=rng.randint(1, 3))
        kwargs.append("tags=[" + ", ".join(f"\"{t}\"" for t in tags) + "]")
    if rng.random() < 0.3:
        kwargs.append("log_prints=True")
    if rng.random() < 0.2:
        kwargs.append(f"timeout_seconds={rng.choice([600, 3600, 7200])}")
    if rng.random() < 0.2:
        kwargs.append(f"description=\"{rng.choice(VERBS).capitalize()}s {plural(rng.choice(NOUNS))} for the {style_kind} dashboards.\"")
    if not kwargs:
        kwargs.append("log_prints=True")
    if form < 0.70:
        return f"@{deco}(" + ", ".join(kwargs) + ")\n"
    return f"@{deco}(\n" + "".join(f"    {k},\n" for k in kwargs) + ")\n"


def signature(rng, is_async, function, params, indent, returns):
    prefix = f"{indent}{'async ' if is_async else ''}def {function}("
    if params and (len(params) > 2 and rng.random() < 0.6):
        inner = "".join(f"{indent}    {p},\n" for p in params)
        return f"{prefix}\n{inner}{indent}){returns}:\n"
    return f"{prefix}{', '.join(params)}){returns}:\n"


def flow_block(rng, ids, style, task_names, pkg, method_of=None):
    """A flow definition; returns (text, function name, is_async, named by a constant)."""
    _, deco, _, logger_call, _ = STYLES[style]
    uid = ids.next()
    verb, noun = rng.choice(VERBS), rng.choice(NOUNS)
    function = f"{verb}_{plural(noun)}_{uid:05d}"
    flow_name = f"{pkg}-{verb}-{plural(noun)}-{uid:05d}"
    is_async = rng.random() < 0.2
    indent = "    " if method_of else ""
    name_const = None
    constant_line = ""
    if not method_of and rng.random() < 0.05:
        name_const = f"{function.upper()}_NAME"
        constant_line = f"{name_const} = \"{flow_name}\"\n\n\n"
    params = [p.format(noun=noun, nouns=plural(noun)) for p in rng.choice(PARAMS)]
    if method_of:
        params = ["self"] + params
    returns = rng.choice(["", " -> None", " -> dict[str, int]", " -> list[str]"])
    deco_lines = decorator_text(rng, deco, flow_name, name_const, pkg)
    stacked = ""
    if not method_of and rng.random() < 0.08:
        stacked = "@instrumented\n"
    text = constant_line
    text += "".join(f"{indent}{line}\n" for line in deco_lines.rstrip("\n").split("\n"))
    text += "".join(f"{indent}{line}\n" for line in stacked.rstrip("\n").split("\n") if line)
    text += signature(rng, is_async, function, params, indent, returns)
    body = indent + "    "
    if rng.random() < 0.65:
        text += f"{body}\"\"\"{verb.capitalize()} {plural(noun)} for {pkg}{maybe_accent(rng)}.\n\n"
        text += f"{body}Runs nightly; safe to re-run for the same window (idempotent writes).\n"
        text += f"{body}\"\"\"\n"
    text += f"{body}logger = {logger_call}\n"
    text += f"{body}logger.info(\"starting {function}\")\n"
    text += f"{body}counts: dict[str, int] = {{}}\n"
    for task in task_names[:rng.randint(1, max(1, len(task_names)))]:
        if is_async:
            text += f"{body}counts[\"{task}\"] = await asyncio.to_thread({task}, [{{\"value\": {rng.randint(1, 99)}}}])\n"
        else:
            text += f"{body}counts[\"{task}\"] = {task}([{{\"value\": {rng.randint(1, 99)}}}])\n"
    text += f"{body}logger.info(\"done: %s\", counts)\n"
    if returns == " -> None":
        text += f"{body}return None\n"
    elif returns == " -> list[str]":
        text += f"{body}return sorted(counts)\n"
    else:
        text += f"{body}return counts\n"
    return text, function, is_async, name_const is not None and f"name={name_const}" in deco_lines


def task_block(rng, ids, style):
    task_deco = STYLES[style][2]
    uid = ids.next()
    name = f"{rng.choice(VERBS)}_{rng.choice(NOUNS)}_task_{uid:05d}"
    deco = rng.choice([f"@{task_deco}", f"@{task_deco}(retries={rng.randint(1, 3)})",
                       f"@{task_deco}(cache_key_fn=None, tags=[\"{rng.choice(TAGS)}\"])"])
    text = (
        f"{deco}\n"
        f"def {name}(rows: list[dict[str, Any]]) -> int:\n"
        f"    \"\"\"A Prefect task: counts rows with a value.\"\"\"\n"
        "    return sum(1 for row in rows if row.get(\"value\") is not None)\n"
    )
    return text, name


INSTRUMENTED = (
    "def instrumented(function):\n"
    "    \"\"\"Logs the wall time of `function`; stacked under the flow decorator.\"\"\"\n"
    "    import functools\n"
    "    import time\n"
    "\n"
    "    @functools.wraps(function)\n"
    "    def wrapper(*args, **kwargs):\n"
    "        started = time.perf_counter()\n"
    "        try:\n"
    "            return function(*args, **kwargs)\n"
    "        finally:\n"
    "            log.info(\"%s took %.3fs\", function.__name__, time.perf_counter() - started)\n"
    "\n"
    "    return wrapper\n"
)


# ---------------------------------------------------------------------------------------------
# Files.


def layout():
    """The 10,000 file paths, in a fixed order."""
    paths = []
    name_rng = random.Random(SEED + 1)
    for domain in DOMAINS:
        for region in REGIONS:
            pkg = f"{domain}_{region}"
            sub = name_rng.choice(SUBS)
            deep = name_rng.choice(DEEPS)
            dirs = [(pkg, 69), (f"{pkg}/{sub}", 19), (f"{pkg}/{sub}/{deep}", 9)]
            for directory, count in dirs:
                paths.append((pkg, f"{directory}/__init__.py"))
                used = set()
                while len(used) < count:
                    name = f"{name_rng.choice(NOUNS)}_{name_rng.choice(ROLES)}"
                    if name in used:
                        name = f"{name}_{len(used)}"
                    used.add(name)
                for name in sorted(used):
                    paths.append((pkg, f"{directory}/{name}.py"))
    assert len(paths) == FILES, len(paths)
    return paths


def header(rng, pkg, path, kind):
    module = path[:-3].replace("/", ".")
    docstring = f'"""{module}: {rng.choice(VERBS)} and {rng.choice(VERBS)} {plural(rng.choice(NOUNS))}.'
    if kind == "flow-words-doc":
        docstring += (
            "\n\nThese helpers are called from a Prefect flow defined elsewhere, for example::\n\n"
            "    from prefect import flow\n\n"
            "    @flow(name=\"example\")\n"
            "    def example():\n"
            "        ...\n\n"
            "The flow itself is not in this module."
        )
    elif rng.random() < 0.5:
        docstring += f"\n\nOwned by the {pkg} team. See docs/{pkg}.md for the data contract{maybe_accent(rng)}."
    docstring += '\n"""\n'
    lines = [docstring, "from __future__ import annotations\n" if rng.random() < 0.3 else ""]
    imports = sorted(rng.sample(STANDARD_IMPORTS, k=len(STANDARD_IMPORTS) - rng.randint(0, 2)))
    for needed in ("import asyncio", "import json", "import logging", "import re",
                   "from collections.abc import Iterable, Iterator, Mapping, Sequence",
                   "from dataclasses import asdict, dataclass, field, fields",
                   "from datetime import date, datetime, timedelta, timezone",
                   "from decimal import Decimal", "from enum import Enum", "from typing import Any"):
        if needed not in imports:
            imports.append(needed)
    lines.append("\n".join(imports) + "\n")
    return lines


def filler_until(rng, ids, size, target):
    """Filler blocks while they bring the file closer to `target` bytes."""
    parts = []
    while True:
        block = rng.choices(FILLER_FUNCS, FILLER_WEIGHTS)[0](rng, ids.next())
        block_len = len(block.encode()) + 2
        if size + block_len > target and (size + block_len - target) > (target - size):
            return parts, size
        parts.append(block)
        size += block_len


def init_file(rng, pkg, path):
    module = path[:-len("/__init__.py")].replace("/", ".")
    text = f'"""The {module} package."""\n'
    if rng.random() < 0.6:
        names = sorted({f"{rng.choice(NOUNS)}_{rng.choice(ROLES)}" for _ in range(rng.randint(1, 5))})
        text += "\n__all__ = [" + ", ".join(f"\"{n}\"" for n in names) + "]\n"
    if rng.random() < 0.3:
        text += f"\n__version__ = \"{rng.randint(0, 3)}.{rng.randint(0, 20)}.{rng.randint(0, 9)}\"\n"
    return text


def module_file(rng, ids, pkg, path, kind, target, stats):
    """One module's text of roughly `target` bytes; updates `stats`."""
    flows_here = []
    style = None
    if kind == "flow":
        draw = rng.random()
        style = ("from" if draw < 0.60 else "module" if draw < 0.90 else "mixed" if draw < 0.97
                 else "alias_from" if draw < 0.985 else "alias_module")
    head = header(rng, pkg, path, "flow-words-doc" if kind == "flow-words" and rng.random() < 0.3 else kind)
    head.append("\nlog = logging.getLogger(__name__)\n")
    tail = []
    if kind == "flow":
        styles = ["from", "module"] if style == "mixed" else [style]
        for s in styles:
            head.insert(-1, STYLES[s][0] + "\n")
        task_names = []
        task_parts = []
        for _ in range(rng.randint(1, 3)):
            text, name = task_block(rng, ids, styles[0])
            task_parts.append(text)
            task_names.append(name)
        n_flows = rng.choices([1, 2, 3, 4], [40, 30, 18, 12])[0]
        method_class = rng.random() < 0.04
        flow_parts = []
        need_instrumented = False
        for index in range(n_flows):
            s = styles[index % len(styles)]
            if method_class and index == n_flows - 1:
                cls = f"{camel(rng.choice(NOUNS))}Flows"
                text, function, is_async, by_constant = flow_block(rng, ids, s, task_names, pkg, method_of=cls)
                text = (f"class {cls}:\n    \"\"\"Flows grouped on a class; Prefect binds `self`.\"\"\"\n\n"
                        f"    owner = \"{pkg}\"\n\n" + text)
                function = f"{cls}.{function}"
                stats["method_flows"] += 1
            else:
                text, function, is_async, by_constant = flow_block(rng, ids, s, task_names, pkg)
                need_instrumented |= "@instrumented\n" in text
            flow_parts.append(text)
            flows_here.append(function)
            stats["flows"] += 1
            stats["async_flows"] += is_async
            if STYLES[s][4]:
                stats["prefect_name_matches"] += 1
                stats["prefect_matches_named_by_constant"] += by_constant
            else:
                stats["crank_only_flows"] += 1
            stats["styles"][s] = stats["styles"].get(s, 0) + 1
        if need_instrumented:
            task_parts.insert(0, INSTRUMENTED)
        tail = task_parts + flow_parts
        stats["flow_files"] += 1
    elif kind == "tasks":
        s = rng.choice(["from", "module"])
        import_line = "from prefect import task  # the flow that runs these tasks lives in pipeline.py\n"
        if s == "module":
            import_line = "import prefect  # tasks only; flows are deployed from the orchestration repo\n"
        head.insert(-1, import_line)
        for _ in range(rng.randint(1, 4)):
            tail.append(task_block(rng, ids, s)[0])
    elif kind == "flow-words":
        tail.append(block_flow_words(rng, ids.next()))
    elif kind == "decoy":
        head.insert(-1, "from ourlib.dag import flow  # the in-house DAG decorator, not Prefect\n")
        for _ in range(rng.randint(1, 2)):
            uid = ids.next()
            tail.append(f"@flow\ndef dag_{rng.choice(NOUNS)}_{uid:05d}(context: dict[str, Any]) -> None:\n"
                        "    context[\"visited\"] = True\n")
            stats["prefect_only_matches"] += 1
            stats["prefect_name_matches"] += 1
    fixed = "".join(head) + "\n\n" + "\n\n".join(tail)
    size = len(fixed.encode())
    filler, _ = filler_until(rng, ids, size, target)
    # Filler goes between the imports and the flows/tasks, some of it after them.
    split = rng.randint(0, len(filler))
    body = filler[:split] + tail + filler[split:]
    text = "".join(head) + "\n\n" + "\n\n".join(body)
    return text, flows_here


def generate(out):
    rng = random.Random(SEED)
    ids = Counter()
    paths = layout()
    # Kinds and size targets first, so sizes can be scaled to the byte budget.
    plan = []
    decoys_left = 20
    for pkg, path in paths:
        if path.endswith("__init__.py"):
            plan.append((pkg, path, "init", 0))
            continue
        draw = rng.random()
        if draw < 0.363:
            kind = "flow"
        elif draw < 0.46:
            kind = "tasks"
        elif draw < 0.66:
            kind = "flow-words"
        else:
            kind = "plain"
        if kind == "plain" and decoys_left and rng.random() < 0.006:
            kind, decoys_left = "decoy", decoys_left - 1
        size = min(150_000, max(900, rng.lognormvariate(math.log(3000), 0.8)))
        plan.append((pkg, path, kind, size))
    scale = TARGET_BYTES / sum(p[3] for p in plan)
    stats = {"flows": 0, "flow_files": 0, "async_flows": 0, "method_flows": 0,
             "prefect_matches_named_by_constant": 0,
             "prefect_name_matches": 0, "crank_only_flows": 0, "prefect_only_matches": 0,
             "styles": {}}
    total = files = crlf = mention_flow = mention_both = 0
    planned = 0.0
    for pkg, path, kind, size in plan:
        if kind == "init":
            text = init_file(rng, pkg, path)
        else:
            # Aim each file at its share plus what earlier files fell short of (or minus their
            # overshoot), so the tree lands on TARGET_BYTES.
            planned += size * scale
            target = max(300, int(planned - total))
            text, _ = module_file(rng, ids, pkg, path, kind, target, stats)
        if kind != "init" and rng.random() < 0.01:
            text = text.replace("\n", "\r\n")
            crlf += 1
        data = text.encode("utf-8")
        full = os.path.join(out, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "wb") as handle:
            handle.write(data)
        files += 1
        total += len(data)
        mention_flow += b"flow" in data
        mention_both += b"flow" in data and b"prefect" in data
    summary = {
        "version": VERSION,
        "seed": SEED,
        "files": files,
        "bytes": total,
        "megabytes": round(total / 1e6, 1),
        "flow_files": stats["flow_files"],
        "flows": stats["flows"],
        "prefect_name_matches": stats["prefect_name_matches"],
        "crank_only_flows": stats["crank_only_flows"],
        "prefect_only_matches": stats["prefect_only_matches"],
        "async_flows": stats["async_flows"],
        "method_flows": stats["method_flows"],
        # flows both tools see whose name= is a module-level string constant: Prefect's search
        # shows the function name for them, an import-aware finder the constant's value
        "prefect_matches_named_by_constant": stats["prefect_matches_named_by_constant"],
        "flow_styles": dict(sorted(stats["styles"].items())),
        "files_containing_flow": mention_flow,
        "files_containing_prefect_and_flow": mention_both,
        "crlf_files": crlf,
    }
    with open(os.path.join(out, MARKER), "w") as handle:
        json.dump(summary, handle, indent=1)
        handle.write("\n")
    return summary


# ---------------------------------------------------------------------------------------------
# --check: every file compiles under this Python, and the flow counts are right.


def prefect_matches(tree):
    """Prefect's name-only rule (prefect._internal.ast_utils), every def at any depth."""
    count = 0
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for d in node.decorator_list:
                target = d.func if isinstance(d, ast.Call) else d
                if isinstance(target, ast.Name) and target.id == "flow":
                    count += 1
                elif (isinstance(target, ast.Attribute) and target.attr == "flow"
                      and isinstance(target.value, ast.Name) and target.value.id == "prefect"):
                    count += 1
    return count


def import_aware_flows(tree):
    """Module-level and class-body defs whose decorator resolves to prefect.flow via imports."""
    names, modules = set(), set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module == "prefect" and node.level == 0:
            names.update(a.asname or a.name for a in node.names if a.name == "flow")
        elif isinstance(node, ast.Import):
            modules.update(a.asname or a.name for a in node.names if a.name == "prefect")

    def is_flow(d):
        target = d.func if isinstance(d, ast.Call) else d
        if isinstance(target, ast.Name):
            return target.id in names
        return (isinstance(target, ast.Attribute) and target.attr == "flow"
                and isinstance(target.value, ast.Name) and target.value.id in modules)

    count = 0
    stack = list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            count += any(is_flow(d) for d in node.decorator_list)
        elif isinstance(node, ast.ClassDef):
            stack.extend(node.body)
    return count


def check_one(path):
    with open(path, "rb") as handle:
        source = handle.read()
    try:
        tree = compile(source, path, "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
        compile(tree, path, "exec", dont_inherit=True)
    except SyntaxError as error:
        return path, len(source), f"{error.__class__.__name__}: {error}", 0, 0
    return path, len(source), None, import_aware_flows(tree), prefect_matches(tree)


def check(out):
    from concurrent.futures import ProcessPoolExecutor

    marker = os.path.join(out, MARKER)
    with open(marker) as handle:
        summary = json.load(handle)
    paths = sorted(os.path.join(d, f) for d, _, fs in os.walk(out) for f in fs if f.endswith(".py"))
    files = total = flows = matches = 0
    errors = []
    with ProcessPoolExecutor() as pool:
        for path, size, error, aware, prefect in pool.map(check_one, paths, chunksize=200):
            files += 1
            total += size
            flows += aware
            matches += prefect
            if error:
                errors.append(f"{path}: {error}")
    result = {"python": sys.version.split()[0], "files": files, "bytes": total, "compile_errors": len(errors),
              "flows": flows, "prefect_name_matches": matches}
    problems = list(errors[:20])
    for key in ("files", "bytes", "flows", "prefect_name_matches"):
        if result[key] != summary[key]:
            problems.append(f"{key}: the tree has {result[key]}, the summary says {summary[key]}")
    if files != FILES:
        problems.append(f"expected {FILES} files, found {files}")
    if not 0.9 * 40e6 <= total <= 1.1 * 40 * 1024 * 1024:
        problems.append(f"{total} bytes is not ~40 MB")
    result["ok"] = not problems
    print(json.dumps(result))
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    return 0 if not problems else 1


def main(argv):
    args = [a for a in argv if not a.startswith("--")]
    flags = [a for a in argv if a.startswith("--")]
    if len(args) != 1 or set(flags) - {"--check"}:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 64
    out = args[0]
    if "--check" in flags:
        if sys.version_info[:2] != (3, 11):
            print(f"warning: checking with Python {sys.version.split()[0]}, the tree targets 3.11", file=sys.stderr)
        return check(out)
    marker = os.path.join(out, MARKER)
    if os.path.exists(marker):
        with open(marker) as handle:
            print(handle.read().strip())
        print(f"{out}: already generated ({MARKER} exists); delete the directory to regenerate", file=sys.stderr)
        return 0
    if os.path.isdir(out) and os.listdir(out):
        print(f"error: {out} is not empty and has no {MARKER}; delete it first", file=sys.stderr)
        return 1
    os.makedirs(out, exist_ok=True)
    print(json.dumps(generate(out), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
