import functools

from prefect import flow


def traced(fn):
    return fn


@flow
def no_parentheses():
    pass


@flow()
def empty_call():
    pass


@traced
@flow(retries=1)
@functools.lru_cache(maxsize=None)
def stacked():
    pass


@flow(
    name="spans-lines",
    retries=2,
    tags=[
        "nightly",
        "etl",
    ],
)
def multi_line():
    pass
