"""Staff pages of the migration under /staff/legacy/: runs, the review queue, rules, the
per-column report (legacy-review fills these in)."""

app_name = "legacy_staff"

urlpatterns: list = []
