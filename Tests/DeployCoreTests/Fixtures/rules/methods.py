from prefect import flow


class Pipelines:
    """Flows grouped on a class."""

    @flow
    def method_flow(self, x: int = 1):
        pass

    class Inner:
        @flow(name="inner-method")
        def deeper(self):
            pass

    @staticmethod
    def helper():
        pass
