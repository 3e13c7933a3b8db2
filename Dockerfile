# One image for every Airflow service (docker-compose.yml): the official Airflow image of the version
# requirements.lock pins, with the project installed from the lock file. It runs as the image's `airflow`
# user (uid 50000), never root. tests/test_deployment_drift.py keeps the tag equal to the lock's pin.
FROM apache/airflow:3.3.2-python3.11

USER root
# /data/out (the `csc-out` volume) is created owned by `airflow` and private: Docker gives a new named
# volume the ownership and mode of the folder it is mounted on. /data/drop and /data/config are read-only
# mounts of host folders.
RUN mkdir -p /data/drop /data/config /data/out /opt/csc-compliance \
 && chown airflow:root /data/out /opt/csc-compliance \
 && chmod 0700 /data/out
USER airflow

# Dependencies first (their layer is reused while the lock file is unchanged), then the project itself.
COPY --chown=airflow:root requirements.lock /opt/csc-compliance/requirements.lock
RUN pip install --no-cache-dir -r /opt/csc-compliance/requirements.lock
COPY --chown=airflow:root . /opt/csc-compliance
RUN pip install --no-cache-dir --no-deps -e /opt/csc-compliance

ENV AIRFLOW__CORE__DAGS_FOLDER=/opt/csc-compliance/dags \
    AIRFLOW__CORE__LOAD_EXAMPLES=False \
    AIRFLOW__CORE__DEFAULT_TIMEZONE=Europe/London

# Every file the services create (children's data under /data/out, task logs) is readable by its owner
# only: the umask is set before the official entrypoint runs the command.
ENTRYPOINT ["/usr/bin/dumb-init", "--", "/bin/bash", "-c", "umask 0077 && exec /entrypoint \"$@\"", "entrypoint"]
CMD ["--help"]
