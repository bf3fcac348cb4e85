from prefect import flow as prefect_flow, task as prefect_task


@prefect_flow
def aliased():
    pass


@prefect_task
def not_a_flow():
    pass
