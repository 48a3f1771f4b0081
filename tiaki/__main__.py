from tiaki.cli import main

raise SystemExit(main())
