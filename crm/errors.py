"""The one error type at every boundary: ``HuiqiError``, a message key and its parameters.

Every error an officer or a command-line user may see derives from it, so the UI has one handler that
shows ``message()`` in the current language and the CLI one handler that prints it on one line and exits 2.
Errors whose reason is already a sentence (a rule file's line, a backup's cause) pass it as ``reason``.
Imports only crm.i18n.
"""

from __future__ import annotations

from typing import Any, ClassVar

from crm.i18n import register, t

register(
    {
        "error.reason": ("{reason}", "{reason}"),
        "error.cli": ("错误：{message}", "Error: {message}"),
        "error.unexpected": (
            "操作未完成：发生了意外错误（{kind}）。数据未被修改；请重试，若再次出现请联系管理员。",
            "Not done: an unexpected error occurred ({kind}). Nothing was changed; try again or ask an admin.",
        ),
    }
)


class HuiqiError(Exception):
    """An error for people: ``key`` names its message in the catalogue, ``params`` fill it in."""

    key: ClassVar[str] = "error.reason"
    exit_code: ClassVar[int] = 2  # the CLI's exit status: 2 = refused (bad input); 1 = the job failed
    params: dict[str, Any]

    def __init__(self, reason: str | None = None, /, **params: Any) -> None:
        self.params = {"reason": reason, **params} if reason is not None else params
        super().__init__(self.message("zh"))

    def message(self, lang: str | None = None) -> str:
        """The message in ``lang`` (default: the current language)."""
        return t(self.key, lang, **self.params)
