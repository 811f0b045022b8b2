"""club.profiles' admin: each line of issue 7 keeps its admin code in its own module here and
adds one import line below (imported by ``club/profiles/wagtail_hooks.py``)."""

from . import churn as churn_admin  # noqa: F401
from . import profile_view as profile_admin  # noqa: F401
from . import segments as segments_admin  # noqa: F401
