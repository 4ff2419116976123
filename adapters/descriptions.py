"""What a view's options mean, said once: the command line's help and the API's parameter descriptions, each under
its own spelling of the name (``--as-of``, ``as_of``). Plain text, so the command line imports it at no cost."""

AS_OF = "The business date to show, YYYY-MM-DD."
KNOWN_AT = ("Show what the registry knew then: only entries recorded by this time (ISO 8601, UTC unless it says"
            " otherwise; a date means the end of that day), or by the moment an event such as barnes-1995:20 was recorded.")
SECTION = 'A section, clause or defined term: 7.7, 7.14(d), "Kar Guaranty", Exhibit A.'
SERIES = "Series, e.g. 7.66% (not needed when there is one)."
HOLDER = "One holder: a name or alias it is known by, or a unique part of one."
EVENTS_FROM = "Only events effective on or after this date."
EVENTS_TO = "Only events effective on or before this date."
KIND = "Only events of this kind, e.g. NoteTransferred (repeatable)."
EVENTS_HOLDER = "Only events touching this holder: a name or alias it is known by, or a unique part of one."
EVENTS_NOTE = ("Only events that issued, paid, surrendered or made due this note, or a note it was issued for in a"
               " transfer or replacement, back to the closing.")
ONE_PROVISION = "Compare one provision only."
EARLIER = "The earlier date, YYYY-MM-DD."
DUE_FROM = "The first due date shown, YYYY-MM-DD."
DUE_TO = "The last due date shown, YYYY-MM-DD."
STATUS_AS_OF = "Status as of this date (default today)."
LATER = "The later date, YYYY-MM-DD."
AMENDMENT = "The amendment's number."
STREAM = "An agreement's id, e.g. barnes-1995, or a guaranty's, instrument's or holder's, e.g. kar-2003."
SIZE = "Against the signed head of N entries (default: the latest)."
FROM_SIZE = "The earlier signed head's size."
TO_SIZE = "The later head's size (default: the latest)."
ON = "The date it takes effect, YYYY-MM-DD."
PREPAID = "Principal to prepay, in the agreement's multiples."
BY = "One line per note or per holder."
CURVE = 'Treasury yields by remaining life, e.g. "1y=1.25,2y=1.60,3y=2.10".'


def within(description: str) -> str:
    """A description as the rest of a sentence: "as_of: is required: the business date to show, YYYY-MM-DD."."""
    return description[:1].lower() + description[1:]


WHOLE_NUMBER = "not a whole number; give one, e.g. 2"
"""What is said of a number that is not a whole one, wherever it was typed."""
