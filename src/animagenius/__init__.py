"""AnimaGenius: narrated videos from the documents people already have."""

__version__ = "0.1.0"
