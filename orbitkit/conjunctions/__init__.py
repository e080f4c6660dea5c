"""Collision warning: conjunction screening, TCA refinement, collision probability, CDMs.

* :mod:`~orbitkit.conjunctions.screen` - the filters and the scan, with the argument that no
  event is missed; tasks for an executor.
* :mod:`~orbitkit.conjunctions.refine` - TCA and miss distance on SGP4 itself.
* :mod:`~orbitkit.conjunctions.pc` - Foster 1992, Chan 1997, Alfano's maximum probability.
* :mod:`~orbitkit.conjunctions.cdm` - CCSDS Conjunction Data Messages (KVN) out and in.
* :mod:`~orbitkit.conjunctions.events` - result objects.
"""

from orbitkit.conjunctions.events import (
    EVENT_KEYS,
    PC_METHODS,
    SOCRATES_COLUMNS,
    Conjunction,
    ConjunctionSearch,
)
from orbitkit.conjunctions.pc import (
    ChanAccuracyWarning,
    alfano_max_pc,
    alfano_max_pc_many,
    chan_pc,
    foster_pc,
)
from orbitkit.conjunctions.search import find_conjunctions, hard_body_radius_m

__all__ = [
    "Conjunction",
    "ConjunctionSearch",
    "EVENT_KEYS",
    "PC_METHODS",
    "SOCRATES_COLUMNS",
    "find_conjunctions",
    "hard_body_radius_m",
    "foster_pc",
    "chan_pc",
    "alfano_max_pc",
    "alfano_max_pc_many",
    "ChanAccuracyWarning",
]
