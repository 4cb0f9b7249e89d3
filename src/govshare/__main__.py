"""`python -m govshare` runs the command line."""

from govshare.cli import main

main()
