from prefect import flow


@flow
def train_model(epochs: int = 5, layers: list[int] = [32], options: dict = {}, note: str = ""):
    pass


@flow(name="evaluate-model")
def evaluate(threshold: float = 0.9):
    pass
