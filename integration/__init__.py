"""The deployment tested for real without Docker (`make integration`): see run.py and deployment.py."""
