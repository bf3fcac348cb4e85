import prefect


@prefect.flow
def daily_report(day: str | None = None):
    pass
