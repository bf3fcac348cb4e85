from prefect import flow


@flow
async def fetch(url: str):
    pass
