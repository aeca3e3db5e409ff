"""The corpus report (`toolkit.report()`, the `report` command): one self-contained HTML page over many reports.

``metadata`` reads the --metadata table, ``dates`` finds each document's date,
``data`` aggregates a corpus into the plain dict the page shows, ``charts``
draws its charts as inline SVG and ``page`` renders the HTML; ``collect``
drives them.  The package is ``reporting``, not ``report``, so that importing
it never hides the ``toolkit.report`` function.
"""
