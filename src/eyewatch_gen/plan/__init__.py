"""The plan: its typed model, the YAML loader that keeps positions, and semantic checks."""
