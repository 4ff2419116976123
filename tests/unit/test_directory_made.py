"""A load stages agreement after agreement and asks for the directory of every holder after each: it is made again
only from what changed (``DirectoryMade``), and must be the directory made from every source each time."""

from hypothesis import example, given, settings
from hypothesis import strategies as st

from adapters.reading import DirectoryMade
from domain.holders import Directory

# names whose case, punctuation or spelling only differ: which comes first decides a holder's name and key
NAMES = ("Acme Life", "ACME LIFE", "Acme Life, Inc.", "Acme Life Inc", "Beta Mutual", "beta mutual", "Gamma Re")


def whole(sources: tuple) -> list:
    """The directory made from every source, each name as often as given (as before ``DirectoryMade``)."""
    directory = Directory.of([name for names in sources for name in names], {})
    return shown(directory) + [(name, _found(directory, name)) for name in NAMES]


def shown(directory: Directory) -> list:
    return sorted((i.key, tuple(i.names), tuple(i.aliases)) for i in directory.identities.values())


def _found(directory: Directory, name: str) -> str | None:
    found = directory.find(name)
    return found.key if found else None


names = st.lists(st.sampled_from(NAMES), max_size=4).map(tuple)
steps = st.lists(st.tuples(st.sampled_from(["add", "extend last", "shorten last", "change one", "same"]), names,
                           st.integers(0, 10)), max_size=12)


@given(steps)
@example([("add", ("Acme Life",), 0), ("add", ("Beta Mutual",), 0), ("change one", ("Gamma Re",), 0)])
@example([("add", ("Acme Life", "Beta Mutual"), 0), ("shorten last", (), 0), ("add", ("ACME LIFE",), 0)])
@settings(max_examples=300)
def test_the_directory_made_from_what_changed_is_the_directory_made_from_every_source(steps):
    made, sources = DirectoryMade(), ()
    for step, given_names, at in steps:
        if step == "add" or not sources:
            sources += (given_names,)
        elif step == "extend last":
            sources = sources[:-1] + (sources[-1] + given_names,)
        elif step == "shorten last":
            sources = sources[:-1] + (sources[-1][:-1],)
        elif step == "change one":
            at %= len(sources)
            sources = sources[:at] + (given_names,) + sources[at + 1:]
        directory = made.of(sources)
        assert shown(directory) + [(name, _found(directory, name)) for name in NAMES] == whole(sources)


def test_a_source_added_that_names_no_new_holder_leaves_the_directory_as_it_was():
    made = DirectoryMade()
    first = made.of((("Acme Life", "Beta Mutual"),))
    first.among(["Acme Life"])  # what it worked out of a holder's names is kept with it
    assert made.of((("Acme Life", "Beta Mutual"), ("Beta Mutual",))) is first
    assert made.of((("Acme Life", "Beta Mutual"), ("Beta Mutual", "Gamma Re"))) is not first
