"""HTTP layer: the FastAPI app and its routes, over the library and the wiring module."""
