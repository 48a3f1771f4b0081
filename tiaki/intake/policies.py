"""Permission policies for the intake app (one per model; see tiaki.core.policy)."""
