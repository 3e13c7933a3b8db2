"""What the Airflow DAGs share, and Airflow run in-process for the CLI."""
