from typing import Optional

from prefect import flow


@flow
def every_kind(
    a,
    b: int,
    /,
    c: "list[str]" = ["x", "y"],  # comment inside the signature
    *args: str,
    d: Optional[dict[str, int]] = None,
    e=lambda x=1: x,
    **kwargs: object,
) -> None:
    pass


@flow
def bare_star(*, only: bool = True):
    pass
