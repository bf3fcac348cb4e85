# "prefect" is mentioned here, but `flow` comes from another library.
from metaflow import flow
import prefect


@flow
def metaflow_step():
    pass


@prefect.task
def a_task():
    pass
