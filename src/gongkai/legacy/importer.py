"""`gongkai legacy import`: a saved old site into LegacyPage rows, a CSV report of every page,
and (with --publish) published records.

CONTRACT (legacy-importer): `import_source(path, site, *, organisation=None,
catalogue_item=None, dry_run=False, publish=False, actor=SYSTEM, report_path=None,
progress=False) -> ImportRun`."""
