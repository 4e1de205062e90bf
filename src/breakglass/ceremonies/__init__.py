"""One module per ceremony, each a plain function the CLI calls: split.py (and print_sheets, the one way sheets
are made), recover.py (recombine: a drill or a release), current_set.py (what rotate, reshare and expand share),
rotate.py, reshare.py, expand.py, destroy.py, demo.py; scanback.py (every sheet read back before it is saved)
and terminal.py (the Terminal a ceremony asks through).

A ceremony orders the steps of the lower layers: it reads shares (scan), prints paper (paper), records what
happened (record) and works on shares (format). It returns a frozen result (SheetsMade, Recovered,
Destruction), never a dict read by key. It never talks to the person directly: it speaks through the `say`
callback it is given (stderr) and asks, confirms and shows through the Terminal it is given; it imports no
user-interface library (tests/test_layout.py checks that click stays in cli/).
"""
