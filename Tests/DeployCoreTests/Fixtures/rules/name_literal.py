from prefect import flow


@flow(name="daily-report")
def report():
    pass


@flow(name="concatenated" "-name")
def concatenated():
    pass


@flow(name=f"plain-fstring")
def fstring_without_fields():
    pass


@flow(name='escaped\tname')
def escaped():
    pass
