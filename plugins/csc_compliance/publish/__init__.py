"""Publishing a run: the contract's output files, the run history, the leads' workbooks, and the swap that
replaces the previous outputs only when everything was built."""
