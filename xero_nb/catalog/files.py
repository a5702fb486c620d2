"""Where the catalog's shipped data files are: plain strings, so the fast path reads them cheaply.

``catalog.json`` (the specs' operations, written by ``make catalog``), ``documented.csv`` (the
few Xero documents outside its specs), ``answers.json`` (scopes-for answers, also written by
``make catalog``), ``granular.csv`` (the hand-curated granular overlay) and ``scopes.csv``
(Xero's 2026 scopes page).
"""

from __future__ import annotations

import os

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
INDEX = os.path.join(DATA, "catalog.json")
DOCUMENTED = os.path.join(DATA, "documented.csv")
ANSWERS = os.path.join(DATA, "answers.json")
OVERLAY = os.path.join(DATA, "granular.csv")
SCOPES = os.path.join(DATA, "scopes.csv")
