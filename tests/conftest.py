import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
# Airflow and dbt write their state under a private, git-ignored folder during tests.
os.environ.setdefault("CSC_AIRFLOW_HOME", str(ROOT / "var" / "airflow-test"))
