import os.path, json as j
from collections import abc
from . import sibling
from .pkg.mod import thing
from prefect import flow

try:
    import yaml
except ImportError:
    yaml = None


@flow
def uses_imports():
    import pandas as pd
