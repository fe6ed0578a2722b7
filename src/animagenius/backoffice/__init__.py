"""Administration: audit log and runtime configuration."""
