"""The graph stage: the embedded or remote store, migrations, loading,
scoring and the reads that the API serves.

``open_graph(settings)`` returns a :class:`GraphStore`; it is the only way
into the store, and this package is the only one that imports ``neo4j``.
"""

from graph.store import GraphStore, open_graph

__all__ = ["GraphStore", "open_graph"]
