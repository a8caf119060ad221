"""Storage: documents, chunks, vectors and keyword postings on disk, behind one snapshot."""
