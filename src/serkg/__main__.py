"""``python -m serkg`` runs the CLI."""

from serkg.cli import main

if __name__ == "__main__":
    main()
