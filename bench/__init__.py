"""Benchmarks: ``python -m bench`` runs every group side by side and prints one table."""
