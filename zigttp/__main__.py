"""Allow `python -m zigttp` as a spelling of the `zigttp` command."""

from __future__ import annotations

from zigttp.cli.main import main

main()
