"""fanwen's service layer: settings, CLI, HTTP API, web page and editor add-in over the index library."""
