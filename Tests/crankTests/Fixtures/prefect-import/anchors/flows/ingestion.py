from prefect import flow


@flow(name="ingestion")
def ingest(source: str = "s3://raw", limit: int = 100):
    pass
