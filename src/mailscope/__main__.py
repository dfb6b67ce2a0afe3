"""``python -m mailscope``: the same command as the ``mailscope`` script."""

from mailscope.cli.main import run

run()
