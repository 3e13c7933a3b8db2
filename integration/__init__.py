"""The deployment tested for real without Docker (`make integration`, the suite in tests/integration/):
its settings (deployment.py) and the code that runs its services as local processes."""
