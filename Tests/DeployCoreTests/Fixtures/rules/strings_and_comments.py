from prefect import flow

TEMPLATE = """
@flow
def not_real():
    pass
"""
RAW = r'\d+ "@flow" \'def' # @flow
BYTES = b"\x00@flow"
NESTED = f"{'@flow'} {TEMPLATE!r:>{10}} {{literal}}"
CONTINUED = "a" \
    "b"


# @flow
# def commented_out(): pass


@flow
def the_only_flow():
    pass
