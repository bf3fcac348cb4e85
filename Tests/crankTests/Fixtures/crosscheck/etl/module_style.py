import prefect


@prefect.flow
def backfill(start: str, end: str):
    pass


@prefect.flow(name="reindex-search", log_prints=True)
async def reindex(batch_size: int = 500):
    pass
