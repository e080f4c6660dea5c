"""Element sets: parsing (TLE, 3LE, OMM JSON/CSV/XML/KVN), export, and the sources tried
for a target (files, cache, CelesTrak, nominal design orbits).

The public names are re-exported from :mod:`orbitkit`; this package imports nothing at
import time so ``import orbitkit`` stays light.
"""
