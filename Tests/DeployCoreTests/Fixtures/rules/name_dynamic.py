import os

from prefect import flow

ENV = os.environ.get("ENV", "dev")


@flow(name=f"report-{ENV}")
def fstring_name():
    pass


@flow(name="report-" + ENV)
def expression_name():
    pass
