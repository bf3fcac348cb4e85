from prefect import flow


@flow
def reindex(full: bool = False):
    pass
