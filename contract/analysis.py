"""Prove the contract of a bundled program: every module's facts, added up."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from . import (
    capabilities,
    clock,
    commonjs,
    hidden_code,
    injection,
    path_dispatch,
    prototypes,
    shared_state,
)
from .findings import Findings, Unit
from .model import Contract, Fact, Origin
from .scopes import Scopes
from .source import SourceText
from .syntax import Node, Tree

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ModuleInput:
    """What the analysis needs of one bundled module."""

    name: str
    source: SourceText
    tree: Tree
    import_targets: dict[int, str]
    virtual_modules: tuple[str, ...]
    import_nodes: tuple[Node, ...]


def prove(modules: Sequence[ModuleInput], handler_sha256: str) -> Contract:
    """The contract of a program whose first module is the entry.

    Raises SourceError for a call the runtime cannot serve: `require`, or an
    env name no environment file can define.
    """
    entry = modules[0]
    try:
        return _prove(modules, handler_sha256)
    except RecursionError:
        logger.warning("the analysis of %s gave up: code nested too deeply", entry.name)
        fact = Fact(
            Origin(entry.name, 1, 1),
            "analysis",
            None,
            True,
            "code nested too deeply to analyse: nothing is proven",
        )
        return Contract.unproven(entry.name, handler_sha256, fact)


def _prove(modules: Sequence[ModuleInput], handler_sha256: str) -> Contract:
    findings = Findings()
    units = [
        Unit(
            name=module.name,
            source=module.source,
            tree=module.tree,
            scopes=Scopes(module.tree.root_node, module.import_targets),
            is_entry=index == 0,
            import_targets=module.import_targets,
        )
        for index, module in enumerate(modules)
    ]

    for unit in units:
        commonjs.refuse(unit)

    virtual: set[str] = set()
    for unit, module in zip(units, modules, strict=True):
        for statement in module.import_nodes:
            source = statement.child_by_field_name("source")
            target = module.import_targets.get(source.start_byte) if source else None
            if target in module.virtual_modules:
                findings.prove(unit, statement, "modules", target, "imported")
        virtual.update(module.virtual_modules)

        capabilities.collect(unit, findings)
        hidden_code.collect(unit, findings)
        prototypes.collect(unit, findings)
        path_dispatch.collect(unit, findings)
        clock.collect(unit, findings)
    shared_state.collect(units, findings)
    injection.collect(units, findings, findings.fetch_urls)

    contract = findings.contract(
        modules[0].name, handler_sha256, tuple(sorted(virtual))
    )
    logger.debug("%s: proof level %s", modules[0].name, contract.proof_level)
    return contract
