from prefect import flow


@flow
def with_docstring():
    """
    Load the data.

    Longer explanation that is not part of the description.
    """


@flow(description="Given explicitly.")
def with_keyword():
    """Docstring loses to description=."""


@flow
def one_liner(): "Inline docstring."
