"""Settings for every test.

Hypothesis's per-example deadline (200 ms by default) is a timed assertion in disguise:
on a loaded machine (CI beside a browser test, two cores) a correct example can take
longer, so no deadline here; speed is measured in bench/, never in tests.
"""

from hypothesis import settings

settings.register_profile("convlab", deadline=None)
settings.load_profile("convlab")
