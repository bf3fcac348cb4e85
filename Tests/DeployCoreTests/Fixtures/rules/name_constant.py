from prefect import flow

FLOW_NAME = "first-value"
FLOW_NAME = "resolved-constant"
RETRIES: int = 3


@flow(name=FLOW_NAME, retries=RETRIES)
def uses_constant():
    pass
