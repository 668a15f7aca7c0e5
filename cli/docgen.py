"""`python -m owl.cli.docgen` prints the Markdown command reference (docs/commands.md).

The reference is every command's own --help, so the documentation is the help text and cannot
say something else; a test regenerates it and fails when the committed file differs. Help is
rendered at a fixed width so the output does not depend on the terminal.
"""

from __future__ import annotations

from collections.abc import Iterator

import click

from owl.cli.main import cli

WIDTH = 100
TITLE = """# owl command reference

Generated from each command's `--help` by `python -m owl.cli.docgen` (`make docs`); do not edit by
hand. `-h` is `--help`. `--db` (or the environment variable `OWL_DB`) names the ledger, before or
after the command name; `--version` goes before it.

Every command that prints an answer takes `--format` from one vocabulary: `table` (the default,
aligned text for people), `json` (one JSON document), `csv` where the answer is a table (a header,
then one row per line; plain numbers; a cell that would start a spreadsheet formula is quoted
with `'`), `jsonl` for the log (one JSON object per line). `owl ingest --format` names its
*input* instead. Output into a closed pipe (`owl log | head`) stops quietly with exit status 0.
"""


def sections(command: click.Command, ctx: click.Context) -> Iterator[tuple[str, str]]:
    """(command path, help text) for `command` and, if it is a group, every command under it."""
    yield ctx.command_path, command.get_help(ctx)
    if isinstance(command, click.Group):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is None or sub.hidden:
                continue
            yield from sections(sub, click.Context(sub, info_name=name, parent=ctx))


def reference() -> str:
    """The whole Markdown reference."""
    root = click.Context(
        cli,
        info_name="owl",
        terminal_width=WIDTH,
        max_content_width=WIDTH,
    )
    parts = [TITLE]
    for path, text in sections(cli, root):
        parts.append(f"## `{path}`\n\n```text\n{text.rstrip()}\n```\n")
    return "\n".join(parts)


if __name__ == "__main__":
    click.echo(reference(), nl=False)
