"""The review site, the corrections file and the source manifest: pure Python, no Dagster.

- `corrections`: the corrections file's columns, how it is read and how a row
  for a figure is written (the review page offers these lines).
- `sources`: the source manifest (sources.csv: each report file's URL, title
  and dates); `csvrows` reads both files.
- `build`: the static site under warehouse/site/ from a published warehouse:
  one page per report, an index, charts (Vega-Lite through Altair, with the
  JavaScript shipped by vl-convert-python, so no network is needed);
  incremental (only pages whose inputs changed are rendered).
- `pages`: the site's HTML, as pure functions of what each page shows.
"""
