"""The csc-compliance command and the summary it prints."""
