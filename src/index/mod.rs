//! Spatial index over events (rstar): owned by the index work in progress.
