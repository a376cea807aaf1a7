"""Turns folders of press releases into the archive's index: sources → extraction → index."""
