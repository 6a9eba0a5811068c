//! Hubs, drift and flows: owned by the analysis work in progress.
