"""A journal to start from: a fresh agreement, every term it might give, explained.

`debtreg template` prints it. As printed it checks and loads (the figures are
an example); replace them with the agreement's, and delete what the agreement
does not give: a term left out is "not on file", never guessed.
"""

TEMPLATE = '''\
# A journal for one note agreement: its terms, its notes, and what happens to them.
# Check it without recording anything:  debtreg check acme-2024.toml
# Record it:                            debtreg load acme-2024.toml
# The reference for every entry and field: docs/journal.md (or: debtreg reference)

[journal]
id = "acme-2024"                      # with each entry's id, what makes loading twice record once
agreement = "acme-2024"               # the key the registry knows the agreement by
title = "Acme Industries Inc. 6.00% Senior Notes due March 15, 2031"

[[entry]]
id = "agreement"
type = "agreement"
effective_on = 2024-03-01             # the agreement's date
evidence = { document = "Note Purchase Agreement dated as of March 1, 2024", section = "1; 5; 6; 8; 10" }
title = "Note Purchase Agreement"
issuer = "Acme Industries Inc."
dated_as_of = 2024-03-01
closing_on = 2024-03-15               # notes are issued at the closing, each series in full
amendment_threshold = "51%"           # leave out what the agreement does not say: it is then "not on file"
reacquired_notes_count_pro_rata = true   # a note the Company reacquires keeps its share of partial payments (8.4)
# The section of the agreement behind each rule, so refusals cite it (see the reference for the rules).
sections = { transfer = "13.2", pro_rata = "8.4", optional_prepayment = "8.2", notice = "8.3", required_prepayment = "8.1", non_business_day = "8.8", events_of_default = "11", acceleration = "12", waiver = "17" }
# A payment due on a day that is not a Business Day is made on the next one (8.8), or "as due" if the agreement moves none.
business_days = { calendars = ["US", "US-NY"], section = "Schedule A", payments = "next business day" }
each_holder_for = ["1", "2"]          # sections an amendment or waiver changes only as to holders who consent

# The Events of Default, and who may accelerate on which (leave out what the agreement does not give).
[entry.defaults]
principal = { days = 0, section = "11(a)" }                        # unpaid principal: no grace
interest = { days = 5, business_days = true, section = "11(b)" }   # unpaid interest: 5 Business Days
clauses = [
  { clause = "11(a)", title = "Payment of principal" },
  { clause = "11(b)", title = "Payment of interest" },
  { clause = "11(c)", title = "Covenants" },
  { clause = "11(g)", title = "Bankruptcy" },
]
automatic = ["11(g)"]                 # every note due at once, without notice
each_holder = ["11(a)", "11(b)"]      # each holder may declare its own notes due
acceleration_threshold = "51%"        # on any other, holders of this share may declare all notes due
rescission_threshold = "51%"          # and holders of this share may annul the declaration
makewhole_on_acceleration = true      # the greater of principal and interest and the make-whole becomes due

[[entry.series]]
key = "6.00%"
title = "6.00% Senior Notes due March 15, 2031"
label = "6.00% Notes"
principal = "10,000,000"
rate = "6.00%"
maturity = 2031-03-15
interest_dates = ["03-15", "09-15"]   # month-days, evenly spaced through the year
day_count = "30/360"                  # 30/360, 30E/360, ACT/360, ACT/365F or ACT/ACT-ICMA
instalments = { count = 5, first_due = 2027-03-15, every_months = 12 }   # or required_prepayments = [...]; [] for a bullet
min_denomination = "100,000"
optional_prepayment_multiple = "100,000"
prepayment_notice = { min_business_days = 10, max_days = 60 }
makewhole = { spread = "0.50%", compounding = "semi-annual", day_count = "30/360" }
# Each statement of the rate on overdue amounts, in the documents' words: status shows it; where they disagree, all.
overdue_rate = ["Section 8.9: 2% per annum above the rate on the notes, payable on demand"]

[[entry]]
id = "closing"
type = "issue"
effective_on = 2024-03-15
evidence = { document = "Note Purchase Agreement dated as of March 1, 2024", section = "Schedule A" }
notes = [
  { holder = "Example Life Insurance Company", principal = "6,000,000" },
  { holder = "Example Mutual Insurance Company", principal = "4,000,000" },
]

# A schedule of holders on file checks the register: loading fails on any difference.
[[entry]]
id = "holders-2024-03-15"
type = "register"
effective_on = 2024-03-15
evidence = { document = "closing memorandum", section = "Schedule of Purchasers" }
holders = [
  { holder = "Example Life Insurance Company", principal = "6,000,000" },
  { holder = "Example Mutual Insurance Company", principal = "4,000,000" },
]
total = "10,000,000"
'''
