from fazhi_pipeline.cli import main

raise SystemExit(main())
