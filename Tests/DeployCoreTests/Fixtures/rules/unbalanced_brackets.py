from prefect import flow


@flow
def broken(a, b:
    pass
