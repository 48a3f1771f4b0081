"""Permission policies for the screening app (one per model; see tiaki.core.policy)."""
