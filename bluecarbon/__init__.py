"""Blue-economy enterprise knowledge graph: crawl, extract, graph, rank, serve."""

__version__ = "0.1.0"
