from prefect import flow

flow = lambda fn: fn  # the name no longer means prefect.flow


@flow
def shadowed():
    pass
