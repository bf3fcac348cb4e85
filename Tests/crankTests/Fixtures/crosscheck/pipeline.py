from prefect import flow
from etl.flows import daily_etl


@flow(
    name="full-pipeline",
    description="Runs everything.",
    tags=["nightly"],
)
def pipeline(*, dry_run: bool = False, **overrides):
    daily_etl()
