"""CSC Compliance: the nightly statutory-compliance and data-quality pipeline for children's social care.

README "How it is built" shows its folders, each with one job."""
