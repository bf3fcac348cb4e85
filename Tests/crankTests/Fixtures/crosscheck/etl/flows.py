"""ETL flows written the way Prefect's docs show them."""
from prefect import flow, task


@task
def extract(source: str) -> list[int]:
    return [1, 2, 3]


@flow
def daily_etl(source: str = "s3://bucket/raw", limit: int = 100):
    """Extract, transform and load."""
    return extract(source)[:limit]


@flow(name="weekly-rollup", retries=2, retry_delay_seconds=30)
def weekly(days: int = 7):
    pass
