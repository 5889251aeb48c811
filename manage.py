#!/usr/bin/env python
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "deputywork.settings")
    # Settings let a few commands that sign nothing run without SECRET_KEY (see KEYLESS_COMMANDS).
    os.environ["DEPUTYWORK_COMMAND"] = sys.argv[1] if len(sys.argv) > 1 else "help"
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
