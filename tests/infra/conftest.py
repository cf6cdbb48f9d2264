from __future__ import annotations

import pytest
from stack_hcl import INFRA, MODULE_FUNCTION, Module


@pytest.fixture(scope="session")
def root() -> Module:
    return Module.load(INFRA)


@pytest.fixture(scope="session")
def function_module() -> Module:
    return Module.load(MODULE_FUNCTION)


@pytest.fixture(scope="session")
def modules(root: Module, function_module: Module) -> list[Module]:
    return [root, function_module]
