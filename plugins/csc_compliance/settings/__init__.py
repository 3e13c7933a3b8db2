"""An authority's configuration and the regional file that lists several authorities."""
