"""The search relevance suite: a fixed corpus, queries as citizens type them with graded
judgments, the metrics, and a runner that scores both backends (issue 9, point 5)."""
