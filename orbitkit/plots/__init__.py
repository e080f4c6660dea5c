"""Pictures of orbitkit results: maps (one offline map layer in :mod:`orbitkit.plots.basemap`),
ground tracks, sky plots, coverage maps, timelines.

Every module here imports matplotlib (and cartopy, when a projection needs it) inside its
functions, so ``import orbitkit`` stays free of them.
"""
