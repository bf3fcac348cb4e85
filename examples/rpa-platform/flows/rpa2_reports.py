"""RPA 2: daily operations report."""

from __future__ import annotations

import datetime as dt

import prefect


@prefect.flow(name="rpa2-daily-report")
def daily_report(
    report_date: str,
    recipients: list[str] = ["ops@example.com"],  # noqa: B006 - Prefect parameter default
    include_charts: bool = True,
) -> str:
    """Build the daily report for ``report_date`` (YYYY-MM-DD) and "send" it.

    ``report_date`` is required: the deployment passes it as a parameter.
    Sending is simulated; the rendered report text is returned.
    """
    day = dt.date.fromisoformat(report_date)
    lines = [
        f"Daily RPA report for {day:%A %d %B %Y}",
        f"Recipients: {', '.join(recipients) if recipients else '(none)'}",
        f"Charts: {'included' if include_charts else 'omitted'}",
    ]
    report = "\n".join(lines)
    print(report)
    return report


if __name__ == "__main__":
    daily_report(dt.date.today().isoformat())
