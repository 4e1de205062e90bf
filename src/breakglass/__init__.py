"""breakglass: a break-glass credential on paper, split k-of-n between custodians, recovered offline."""

__version__ = "0.1.0"
