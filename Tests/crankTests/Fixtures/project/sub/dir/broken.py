from prefect import flow


@flow
def broken():
    return "unterminated
