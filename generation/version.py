"""The engine's version: cached compiled tables and manifests are keyed by it.

Bump it whenever the output bytes for a scenario and seed change.
"""

__version__ = "0.7.0"
