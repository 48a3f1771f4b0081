"""Permission policies for the cases app (one per model; see tiaki.core.policy)."""
