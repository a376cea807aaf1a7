"""Press Archive core: the release model, the index, search, facets and citations.

This package is the library; the ``indexer`` and ``web`` packages build on it and it never imports them
(nor Flask or BeautifulSoup).
"""

from archive.model import Release, Speaker

__all__ = ["Release", "Speaker"]
