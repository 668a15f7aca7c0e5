"""`python -m owl.cli` runs the `owl` command line."""

from owl.cli.main import cli

if __name__ == "__main__":
    cli(prog_name="owl")
