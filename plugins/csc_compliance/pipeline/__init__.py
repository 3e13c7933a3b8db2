"""The night's stages (prepare, land, transform, validate, publish) and the in-process dbt build."""
