from prefect import flow


@flow
def in_subdirectory(x: int = 1):
    pass
