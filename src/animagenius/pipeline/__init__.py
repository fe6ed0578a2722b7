"""The framework-free engine: document in, narrated video out. Never imports Django."""
