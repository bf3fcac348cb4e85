from prefect import flow


@flow
def broken():
    message = "never closed
    return message
