"""The demo operator: a believable telecom operator's club, built by ``manage.py load_demo``.

Every builder is idempotent: a second run finds what the first made and changes nothing.
Later features add their own builder module here and a line in ``DEMO_BUILDERS``.
"""
