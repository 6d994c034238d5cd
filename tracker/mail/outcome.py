"""What sending the pending emails did (a module of its own: a run that sends nothing needs no more of the mail)."""

from __future__ import annotations

TYPE_CHECKING = False  # not typing's: every run loads this module (see tracker/__init__.py)
if TYPE_CHECKING:
    from dataclasses import dataclass as record  # what the record is, for type checkers
else:
    from tracker.record import record


@record(frozen=True)
class SendOutcome:
    sent: int = 0
    #: Rows not sent on purpose: no longer a recipient, or sent or being sent by another process.
    skipped: int = 0
    #: One line per message the server did not take, and one for the messages not tried.
    errors: tuple[str, ...] = ()
    #: Messages not tried because the transport gave up on the server (left for the next run).
    untried: int = 0

    @property
    def not_sent(self) -> int:
        """Messages the server did not take plus those not tried (``errors`` has one line for all the latter)."""
        return len(self.errors) - bool(self.untried) + self.untried
