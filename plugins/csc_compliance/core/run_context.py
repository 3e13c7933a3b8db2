"""Where one run reads and writes. A run builds everything in its own folder beside the published outputs
and publishes only when the whole run succeeds (docs/contract.md#outputs)."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

BUILD_ROOT = ".csc-build"


@dataclasses.dataclass(frozen=True)
class RunContext:
    run_id: str
    extract_dir: str
    out_dir: str
    reporting_date: str           # ISO date D
    config_path: str | None
    authority_code: str
    extract_fingerprint: str | None = None   # arrivals.extract_fingerprint at prepare
    config_sha256: str | None = None         # of the configuration's bytes as prepare read them
    regional: bool = False                   # one authority of a regional run: its progress lines say which

    @property
    def build_dir(self) -> Path:
        return Path(self.out_dir) / BUILD_ROOT / self.run_id

    @property
    def warehouse(self) -> Path:
        return self.build_dir / "warehouse.duckdb"

    @property
    def history(self) -> Path:
        return self.build_dir / "history.duckdb"

    @property
    def d(self) -> dt.date:
        return dt.date.fromisoformat(self.reporting_date)

    @property
    def config_snapshot(self) -> Path:
        """The configuration's bytes as prepare read them: every later stage reads this copy, never the file,
        so the whole run uses one configuration and the manifest hashes what the run used."""
        return self.build_dir / "config.yml"

    @property
    def error_file(self) -> Path:
        return self.build_dir / "error.json"

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "RunContext":
        return cls(**data)

    def record_stage(self, stage: str, seconds: float, **extra) -> None:
        """Stage timings for the run manifest, appended as each stage ends."""
        path = self.build_dir / "stages.json"
        if not self.build_dir.exists():  # publish moved the build into place already
            return
        stages = json.loads(path.read_text()) if path.exists() else []
        stages.append({"stage": stage, "seconds": round(seconds, 3), **extra})
        path.write_text(json.dumps(stages, indent=2))
