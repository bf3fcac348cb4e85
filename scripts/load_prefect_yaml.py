"""Loads a prefect.yaml with Prefect's own deployment-config model (what `prefect deploy`
validates against) and prints the deployments it defines as JSON. Exits 1 on any
validation error, printing it.

Usage: python scripts/load_prefect_yaml.py PATH/prefect.yaml
"""
import json
import sys

import yaml
from pydantic import ValidationError
from prefect.cli.deploy._models import PrefectYamlModel


def main() -> int:
    with open(sys.argv[1]) as handle:
        raw = yaml.safe_load(handle)
    try:
        model = PrefectYamlModel.model_validate(raw)
    except ValidationError as error:
        print(error, file=sys.stderr)
        return 1
    deployments = [d.model_dump(exclude_unset=True, mode="json") for d in model.deployments]
    json.dump({"name": raw.get("name"), "pull": raw.get("pull"), "deployments": deployments}, sys.stdout, indent=1, sort_keys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
