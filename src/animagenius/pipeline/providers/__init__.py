"""AI providers behind small protocols, chosen by name through registries."""
