"""Errors a user can act on. Each carries a plain message; the CLI prints it without a traceback."""
import os


def debug_enabled() -> bool:
    """CSC_DEBUG=1: unforeseen errors keep their text, which may quote extract values (withheld otherwise)."""
    return os.environ.get("CSC_DEBUG", "") not in ("", "0")


class CscError(Exception):
    """Base class: a run could not complete, for a reason the user can fix."""


class ConfigError(CscError):
    """The configuration file is unreadable, names an unknown key or holds a bad value."""


class ExtractError(CscError):
    """The extract cannot be read: names the file and, where there is one, the column and row."""

    def __init__(self, message: str, *, file: str | None = None, column: str | None = None,
                 row: int | None = None, line: int | None = None):
        # row: the data row, counted from 1 after the header (0 = the header); line: the file's line where
        # that row starts, as an editor numbers it (they differ once a quoted value spans several lines)
        self.file, self.column, self.row, self.line = file, column, row, line
        where = []
        if file:
            where.append(f"file {file}")
        if column:
            where.append(f"column {column}")
        if row is not None and line is not None:
            where.append(f"line {line} (the header, row 0)" if row == 0 else f"line {line} (data row {row})")
        elif row is not None:
            where.append(f"row {row}")
        prefix = ", ".join(where)
        super().__init__(f"{prefix}: {message}" if prefix else message)


class RunLockedError(CscError):
    """Another run holds the output folder."""


class Interrupted(CscError):
    """The run was stopped by SIGTERM or Ctrl-C before it published."""


class AlreadyPublished(CscError):
    """This extract was already processed and published for this reporting date: nothing to do."""
