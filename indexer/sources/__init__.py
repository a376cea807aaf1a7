"""Readers for each kind of source file; each turns a file into drafts of releases."""

from __future__ import annotations

from indexer.sources.base import Draft, SkipFile
from indexer.sources.registry import SUFFIXES, parse_file

__all__ = ["Draft", "SkipFile", "SUFFIXES", "parse_file"]
