"""Quality measures behind `akhbar eval`."""
