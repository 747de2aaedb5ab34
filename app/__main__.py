"""`python -m app` is the `tailor` command."""

from app.cli import main

main()
