"""Retrieval for alsbot: corpus loading, page-chrome cleaning, chunking, analysis, BM25 search.

Pure and synchronous; knows nothing of terminals or Discord.
"""
