"""Rules about running jobs."""
