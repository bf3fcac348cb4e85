from prefect import flow


def factory():
    @flow
    def built_at_runtime():
        pass

    return built_at_runtime


@flow
def top_level():
    pass
