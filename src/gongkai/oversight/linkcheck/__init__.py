"""The link checker behind oversight.links: extracting a record's links (extract), resolving
internal links in-process (internal), fetching external ones politely and safely (fetch), and
the suspicious-domain list (domains)."""
