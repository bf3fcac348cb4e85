import prefect


@prefect.flow
def bare_attribute():
    pass


@prefect.flow()
def called_attribute():
    pass
