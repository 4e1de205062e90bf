"""One module per ceremony (split, recover, rotate, demo), each a plain function the CLI calls.

A ceremony orders the steps of the lower layers: it reads shares (scan), prints paper (paper), records what
happened (record) and works on shares (format). It never talks to the person directly except through the
`say` callback it is given.
"""
