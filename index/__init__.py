"""fanwen's library: ingest, chunking, embedding, stores and search over exemplar reports."""
