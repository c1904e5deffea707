"""workreport: 台账 → 《重点工作推进情况和下步工作打算》.

As a library (README, "As a Python library")::

    import workreport

    checked = workreport.validate_ledgers(["收文"])
    stats = workreport.compute_stats(["收文"], period="2022H1")
    result = workreport.build_report(["收文"], "汇报.docx", period="2022H1")

Each function takes plain arguments (paths, a period such as ``"2022H1"``, an
optional ``config``: the path of a workreport.toml, found as the command line
finds it when not given) and returns a result object.  Errors are
:class:`WorkreportError` s; invalid ledgers raise :class:`InvalidData`, whose
``issues`` list every problem.  Importing the package is cheap: pandas,
python-docx and click are imported by the functions that need them.
"""

from __future__ import annotations

from importlib import import_module

__version__ = "0.1.0"

# name → the module that defines it, imported on first use (PEP 562)
_EXPORTS = {
    # one function per command (docs/rules.md, 命令行)
    "build_report": "report",  # build
    "compute_stats": "run",  # stats
    "list_figures": "figures",  # stats --list
    "validate_ledgers": "run",  # validate (and --annotate)
    "export_figures": "run",  # export
    "refresh_draft": "refresh",  # refresh
    "diff_drafts": "diff",  # diff
    "check_draft": "check",  # check
    "final_copy": "final",  # final
    "write_ledger_template": "ledger_template",  # template
    "write_word_template": "project",  # word-template
    "init_project": "project",  # init
    "update_templates": "project",  # init --update-templates
    "cache_status": "cache",  # cache
    "propose_profile": "mapping",  # map
    "reconcile_inputs": "reconcile",  # reconcile
    # the run every data command is a verb over
    "Run": "run",
    "Request": "run",
    "BuildResult": "report",
    "Stats": "run",
    "Validation": "run",
    "Exported": "run",
    "FigureInfo": "figures",
    "CacheStatus": "cache",
    "Proposal": "mapping",
    "Reconciliation": "reconcile",
    "Written": "write",
    "RefreshResult": "refresh",
    "DraftDiff": "diff",
    "CheckResult": "check",
    "FinalResult": "final",
    "Draft": "draft",
    "Period": "period",
    "parse_period": "period",
    "Issue": "errors",
    "WorkreportError": "errors",
    "InvalidData": "errors",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str):
    if name in _EXPORTS:
        value = getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
