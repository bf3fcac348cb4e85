"""A worker that uses prefect tasks and talks about flow control, but defines no flow."""
from prefect import task


@task
def process(item):
    return item  # flow control happens elsewhere
