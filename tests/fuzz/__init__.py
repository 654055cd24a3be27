"""Fuzz suite (issue 10): ``python -m tests.fuzz --seconds N``; see ``__main__``."""
