"""Whose run this is and the configuration it runs with: the authority code a run takes, and each later
stage's reading of the configuration snapshot prepare took."""
from __future__ import annotations

import dataclasses

from csc_compliance.core.run_context import RunContext
from csc_compliance.settings.config import Config, config_from_bytes, read_config


def authority_for_run(config: Config, region_code: str | None, manifest: dict | None) -> str:
    """The configuration's code when it names one, else the regional file's, else the one the extract's
    manifest.json names, else the default."""
    if config.authority_configured:
        return config.authority_code
    return region_code or (manifest or {}).get("authority") or config.authority_code


def config_for_run(ctx: RunContext) -> Config:
    """The run's configuration, parsed from the snapshot prepare took (ctx.config_snapshot). A configuration
    that names no authority takes the code prepare settled on (authority_for_run): kpi_values' la rows and
    the manifest then name it, not the default LA."""
    config = config_from_bytes(ctx.config_snapshot.read_bytes(), ctx.config_path) if ctx.config_path \
        else read_config(None)[1]
    if not config.authority_configured and ctx.authority_code and ctx.authority_code != config.authority_code:
        config = dataclasses.replace(config, authority_code=ctx.authority_code, authority_name=ctx.authority_code)
    return config
