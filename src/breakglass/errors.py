"""The one error type users see, and the one a broken promise inside breakglass raises.

Every failure a person can cause or fix (bad input, a damaged share, too few shares, a file that already
exists) is a BreakglassError with a message written for them. The CLI prints it as one line and exits 1;
anything else escaping is a bug, exit 3. InternalError is such a bug said in words: a check that no input can
fail unless breakglass itself is wrong. It is deliberately not a BreakglassError, so no handler of refusals
can take it for one.
"""


class BreakglassError(Exception):
    """A failure explained in words for the person at the keyboard."""


class InternalError(Exception):
    """A bug caught by breakglass's own checks (never the user's doing): the CLI reports it as one line, exit 3."""
