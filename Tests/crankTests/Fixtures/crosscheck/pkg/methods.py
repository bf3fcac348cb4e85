from prefect import flow


class Reports:
    @flow(name="monthly-report")
    def monthly(self, month: str):
        pass
