"""The `fanwen` console script: the CLI with `serve` handed the HTTP app, so neither layer imports the other."""
from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    from fanwen.service.cli.main import main as cli_main
    from fanwen.service.http.app import serve

    return cli_main(argv, serve=serve)


if __name__ == "__main__":
    sys.exit(main())
