"""Short names for the numpy array types used across the generator."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

B = npt.NDArray[np.bool_]
I8 = npt.NDArray[np.int8]
I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
U64 = npt.NDArray[np.uint64]
