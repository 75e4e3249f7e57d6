"""`python -m akhbar`: the same as the `akhbar` command."""

from akhbar.cli import main

if __name__ == "__main__":
    main()
