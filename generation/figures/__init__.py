"""The figures a job's dashboard, playback and planning report are drawn from.

Each section gathers one concern (casualties over time, the flow through the roles,
load per role, times to care, injuries, outcomes) from records as chunks render, merges
with the same section of other chunks, and writes a JSON-ready dict. See
`generation.summary` for how the sections are run and docs/output-contract.md
(`summary.json`) for what they contain.
"""

from generation import native

native.prefer_compiled(__name__, __path__)  # before any section is imported
