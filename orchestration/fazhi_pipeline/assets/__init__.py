"""Assets by stage: ingest (raw), parse (staging), dbt (marts), publish."""
