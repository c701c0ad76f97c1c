"""Releases people can cite and compare: per-fact changelogs, release bundles, citable answers.

``changes`` compares two builds fact by fact; ``bundle`` writes and checks ``releases/V/``;
``citation`` records and re-verifies a named-query answer. See docs/releases.md.
"""
