"""Dagster code location of fazhi: files -> raw -> staging -> dbt marts -> published warehouse.

The definitions live in `fazhi_pipeline.definitions:defs`; `python -m fazhi_pipeline run`
materializes the whole graph in-process.
"""
