try:
    from prefect import flow
except ImportError:  # allow running without prefect installed

    def flow(fn=None, **kwargs):
        return fn if fn else (lambda f: f)


@flow
def guarded():
    pass
