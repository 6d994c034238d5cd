"""What is coming into force: rules published (or on public inspection) that the stored eCFR does not show yet,
each with the citations it will change and its effective date.

The package: :mod:`~tracker.upcoming.entries` (the :class:`Upcoming` type), :mod:`~tracker.upcoming.links` (the
eCFR's own links to such amendments), :mod:`~tracker.upcoming.collect` (the list, read from the store) and
:mod:`~tracker.upcoming.fetch` (the once-a-day Federal Register check). Only the first two are imported here:
the others load the store, the audit and the HTTP client, which a report of upcoming changes does not need.
"""

from tracker.upcoming.entries import SOURCES, Source, Upcoming
from tracker.upcoming.links import AmendmentLink, amendment_links

__all__ = ["SOURCES", "AmendmentLink", "Source", "Upcoming", "amendment_links"]
