"""Process guards every stage shares: stop signals, progress lines, peak memory, the locks on an output folder."""
