"""The one error type users see.

Every failure a person can cause or fix (bad input, a damaged share, too few shares, a file that already
exists) is a BreakglassError with a message written for them. The CLI prints it as one line and exits 1;
anything else escaping is a bug.
"""


class BreakglassError(Exception):
    """A failure explained in words for the person at the keyboard."""
