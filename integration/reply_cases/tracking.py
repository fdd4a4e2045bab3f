"""Client-side caching: CLIENT TRACKING, CACHING, GETREDIR, TRACKINGINFO."""

from reply_cases import Case

CASES = [
    Case(["CLIENT TRACKINGINFO", "CLIENT GETREDIR", "CLIENT CACHING yes",
          "CLIENT TRACKING on optin noloop", "CLIENT CACHING yes", "CLIENT TRACKINGINFO",
          "CLIENT GETREDIR", "CLIENT CACHING no", "CLIENT TRACKING off",
          "CLIENT TRACKING on bcast prefix a prefix b", "CLIENT TRACKINGINFO",
          "CLIENT TRACKING on bcast prefix ab", "CLIENT TRACKING on prefix x",
          "CLIENT TRACKING off", "CLIENT TRACKINGINFO"]),
]
