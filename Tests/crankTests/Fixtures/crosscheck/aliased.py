# Aliases Prefect's name-only search does not follow.
from prefect import flow as prefect_flow
import prefect as pf


@prefect_flow(name="aliased-import")
def via_alias():
    pass


@pf.flow
def via_module_alias():
    pass
