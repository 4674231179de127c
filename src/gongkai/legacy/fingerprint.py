"""A content fingerprint that finds the same document saved twice: under two URLs, with
different whitespace or in a different template.

CONTRACT (legacy-importer): `simhash(text) -> int` (signed 64-bit, for a BigIntegerField),
`bands(fp) -> tuple[int, int, int, int]` (the four 16-bit bands stored on LegacyPage),
`distance(a, b) -> int` (Hamming), `NEAR = 3` (bits that still count as the same document)."""
