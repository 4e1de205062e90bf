"""`python -m breakglass` and the installed `breakglass` command: start the command line.

This module stays tiny and imports the CLI only inside main(), so that nothing heavy loads before the
command line's own error handling is in place.
"""


def main() -> None:
    from .cli.main import main as run

    run()


if __name__ == "__main__":
    main()
