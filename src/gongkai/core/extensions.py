"""Places where the domain apps plug into shared pages, registered in their AppConfig.ready().

- `public_nav` / `staff_nav`: (label, url name) links in the main navigation;
- `disclosure_links`: links in the 政府信息公开 section;
- `workbench_panels`: callables `panel(request) -> (template_name, context) | None` rendered on the
  staff workbench in registration order (None hides the panel for that user);
- `home_sections`: the same for the public home page of a site;
- `sitemap_sections`: name -> `factory(site) -> django.contrib.sitemaps.Sitemap`, the sections
  of /sitemap.xml (register with `register_sitemap`; each app lists its own public pages)."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class NavLink:
    label: str
    url_name: str
    order: int = 50


public_nav: list[NavLink] = []
# Links inside the 政府信息公开 section (法定主动公开内容, 依申请公开, 年报 …).
disclosure_links: list[NavLink] = []
staff_nav: list[NavLink] = []
workbench_panels: list[Callable] = []
home_sections: list[Callable] = []
sitemap_sections: dict[str, Callable] = {}


def add_nav(registry: list[NavLink], link: NavLink) -> None:
    if link not in registry:
        registry.append(link)
        registry.sort(key=lambda item: item.order)


def render_panels(registry: list[Callable], request) -> list[tuple[str, dict]]:
    panels = []
    for panel in registry:
        result = panel(request)
        if result is not None:
            panels.append(result)
    return panels


def register_sitemap(name: str, factory: Callable) -> None:
    """Registering a name again replaces it (ready() may run more than once in tests)."""
    sitemap_sections[name] = factory
