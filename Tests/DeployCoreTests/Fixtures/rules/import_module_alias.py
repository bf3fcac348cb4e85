import prefect as pf
import prefect.flows as flows_module


@pf.flow(name="via-module-alias")
def module_alias():
    pass


@flows_module.flow
def submodule_alias():
    pass
