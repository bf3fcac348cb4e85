from prefect import flow


@flow
def broken():
        x = 1
    return x
