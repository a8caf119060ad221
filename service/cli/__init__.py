"""The `fanwen` command line, over the library and the wiring module."""
