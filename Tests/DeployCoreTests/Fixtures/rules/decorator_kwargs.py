from prefect import flow


@flow(
    name="configured",
    version="1.2.3",
    retries=3,
    retry_delay_seconds=[10, 20.5],
    timeout_seconds=3600,
    log_prints=True,
    persist_result=None,
    tags=("etl", "nightly"),
    validate_parameters=False,
    task_runner=SomeRunner(),
)
def configured():
    pass
