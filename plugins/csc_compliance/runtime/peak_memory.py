"""Peak resident memory of this process during one stage. Linux resets the high-water mark (VmHWM) when
5 is written to /proc/self/clear_refs, so each stage reads its own peak, not the process's lifetime one;
elsewhere the lifetime peak (getrusage) is the best available."""
from __future__ import annotations

import resource
from pathlib import Path

_STATUS, _CLEAR = Path("/proc/self/status"), Path("/proc/self/clear_refs")


def reset_peak() -> bool:
    try:
        _CLEAR.write_text("5")
        return True
    except OSError:
        return False


def peak_mb() -> float:
    """The peak resident set size in MB since the last reset (or since the process started)."""
    try:
        for line in _STATUS.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
