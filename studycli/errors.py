"""The one exception type the CLI turns into a clean message (never a traceback)."""


class StudyError(Exception):
    """A problem the user can act on.

    `hint` says what to do about it; `exit_code` is what the CLI exits with.
    """

    def __init__(self, message: str, hint: str | None = None, exit_code: int = 1):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.exit_code = exit_code
