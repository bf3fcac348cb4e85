from prefect import flow


@flow(name="send-invoices")
def send_invoices(batch: int = 100):
    pass
