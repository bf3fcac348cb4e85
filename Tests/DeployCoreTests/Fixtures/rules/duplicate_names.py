from prefect import flow


@flow(name="same")
def first():
    pass


@flow(name="same")
def second():
    pass
