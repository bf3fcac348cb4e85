from prefect import *


@flow
def from_star():
    pass
