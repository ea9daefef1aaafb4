"""Pure-Python parsing library for rule-of-law government reports.

No Dagster or dbt imports here: data in (decoded text), frames out.
"""
from fazhi_parse.schema import PARSER_VERSION

__all__ = ["PARSER_VERSION"]
