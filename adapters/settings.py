"""Where debtreg looks for its store and identity when not told: names only, so the command line can name
its options without importing the store."""

DEFAULT_URL = "sqlite:///debtreg.sqlite"
URL_VARIABLE = "DEBTREG_DATABASE_URL"
IDENTITY_VARIABLE = "DEBTREG_IDENTITY"
