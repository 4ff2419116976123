"""Where debtreg looks for its store and identity when not told: names only, so the command line can name
its options without importing the store."""

from pathlib import Path

DEFAULT_URL = "sqlite:///debtreg.sqlite"
URL_VARIABLE = "DEBTREG_DATABASE_URL"
IDENTITY_VARIABLE = "DEBTREG_IDENTITY"
DEFAULT_KEY_FILE = Path(".debtreg") / "identity.key"  # beside the default store, ./debtreg.sqlite
TABLES = "debtreg"  # the store's tables: debtreg_events, debtreg_heads, debtreg_identities, debtreg_requests
ROLES = ("auditor", "treasury", "administrator")
TREASURY_ENTRY = "treasury entry"  # the evidence a recording command cites when not given one
