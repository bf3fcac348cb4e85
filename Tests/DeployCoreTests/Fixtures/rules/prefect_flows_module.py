from prefect import flows
from prefect.flows import flow as submodule_flow


@flows.flow
def via_flows_module():
    pass


@submodule_flow
def via_submodule_import():
    pass
