# One image for every Airflow service: the official Airflow image of the pinned version, with the project
# installed from the lock file.
FROM apache/airflow:3.3.2-python3.11

USER root
COPY --chown=airflow:root . /opt/csc-compliance
USER airflow
RUN pip install --no-cache-dir -r /opt/csc-compliance/requirements.lock \
 && pip install --no-cache-dir --no-deps -e /opt/csc-compliance
ENV AIRFLOW__CORE__DAGS_FOLDER=/opt/csc-compliance/dags \
    AIRFLOW__CORE__LOAD_EXAMPLES=False \
    AIRFLOW__CORE__DEFAULT_TIMEZONE=Europe/London
