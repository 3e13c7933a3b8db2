"""Reading an extract's Parquet file: its columns as the schema spells them, and each value as the text the
same value would be in CSV."""
from __future__ import annotations

import duckdb


def parquet_top_level_names(con: duckdb.DuckDBPyConnection, quoted_path: str) -> list[str]:
    """The column names as the file's schema spells them. DuckDB renames a repeated name (`x`, `X` reads as
    `x`, `X_1`), which would let one of two columns be taken silently."""
    schema = con.execute(f"SELECT name, coalesce(num_children, 0) FROM parquet_schema('{quoted_path}')").fetchall()
    names, i = [], 1

    def skip(j: int) -> int:        # the index after element j's subtree (the schema is listed depth first)
        k = j + 1
        for _ in range(schema[j][1]):
            k = skip(k)
        return k
    for _ in range(schema[0][1] if schema else 0):
        names.append(schema[i][0])
        i = skip(i)
    return names


def as_text(column: str, sql_type: str) -> str:
    """A Parquet column as text, the way the same value is spelt in CSV. A whole number held as FLOAT, DOUBLE or
    DECIMAL (pandas writes an integer column with a null in it as DOUBLE; SQL Server's numeric keys are
    DECIMAL) is spelt as the integer, so the id 5417676.0 still matches 5417676."""
    col = quote_identifier(column)
    if sql_type in ("FLOAT", "DOUBLE", "REAL") or sql_type.startswith("DECIMAL"):
        return (f"CASE WHEN isfinite(CAST({col} AS DOUBLE)) AND {col} = trunc({col}) "
                f"AND abs(CAST({col} AS DOUBLE)) < 9.0e15 THEN CAST(CAST({col} AS HUGEINT) AS VARCHAR) "
                f"ELSE CAST({col} AS VARCHAR) END")
    return f"CAST({col} AS VARCHAR)"


def quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
