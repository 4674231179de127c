"""Import a catalogue file: read and validate everything first, then write in one transaction.

All or nothing: any unreadable row raises CatalogueFileError listing every problem with its
sheet and row, and nothing is written. Idempotent: items are matched by their path of names
within a domain, and only real differences are written, so the same file again changes
nothing. Every created, changed or removed item gets a CatalogueChange (who, when, what, why —
the 动态调整 of 国办发〔2017〕42号) and the import as a whole one AuditEvent."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import PROTECT, RESTRICT, Max, ProtectedError, QuerySet, RestrictedError
from django.utils import timezone

from gongkai.core.audit import record_event
from gongkai.core.models import AuditEventType, Organisation, OrganisationKind

from ..channels import ChannelResolver
from ..models import (
    NATIONAL_DOMAINS,
    PILOT_DOMAINS,
    CatalogueChange,
    CatalogueItem,
    ChangeAction,
    Channel,
    Domain,
    ListedItem,
    actor_dict,
)
from .errors import CatalogueFileError, Issue
from .parser import Row, Table, TableParser, known_domains
from .readers import read_grids

LEVEL_NAMES = {1: "一级事项", 2: "二级事项", 3: "三级事项"}
LEAF_VALUE_FIELDS = (
    "serial",
    "content",
    "basis",
    "deadline_text",
    "deadline",
    "deadline_parsed",
    "responsible_text",
    "audience_society",
    "audience_specific",
    "mode_proactive",
    "mode_on_request",
    "level_county",
    "level_township",
    "five_stage",
)
BLANK_VALUES = {
    "serial": "",
    "content": "",
    "basis": "",
    "deadline_text": "",
    "deadline": {},
    "deadline_parsed": False,
    "responsible_text": "",
    "audience_society": False,
    "audience_specific": False,
    "mode_proactive": False,
    "mode_on_request": False,
    "level_county": False,
    "level_township": False,
    "five_stage": "",
}


# --------------------------------------------------------------------------- organisations


class OrganisationMatcher:
    """Matches 公开主体 text to the site's organisations by name or short name; third parties
    are Organisation rows too. 各乡镇（街道） means every town and street."""

    def __init__(self, site):
        self.site = site
        self.towns: list[int] = []
        self.names: dict[int, str] = {}
        self._keys: dict[str, int] = {}
        region = site.name.removesuffix("人民政府")  # 迎江区
        self.prefixes = [
            p for p in (region, region[:-1] if len(region) > 2 else "", site.city) if p
        ]
        for org in Organisation.objects.filter(site=site, is_active=True).order_by("path"):
            self.names[org.pk] = org.name
            if org.kind == OrganisationKind.TOWN:
                self.towns.append(org.pk)
            for key in (org.name, org.short_name):
                if key:
                    for variant in self._variants(key):
                        self._keys.setdefault(variant, org.pk)

    def _variants(self, name: str) -> list[str]:
        name = re.sub(r"\s", "", name)
        variants = [name]
        for prefix in self.prefixes:
            if name.startswith(prefix):
                rest = name[len(prefix) :]
                variants += [rest, "区" + rest if not rest.startswith("区") else rest]
        if name.startswith("区") and len(name) > 3:
            variants.append(name[1:])
            variants += [p + name[1:] for p in self.prefixes]
        return variants

    def match(self, text: str) -> tuple[list[int], list[str]]:
        """(organisation ids, tokens that matched nothing)."""
        ids: list[int] = []
        unknown: list[str] = []
        for token in re.split(r"[、，,；;\n/]+|\s+", text or ""):
            token = re.sub(r"[（(](?:牵头|配合|负责|主责|会同)[)）]$", "", token.strip("。 "))
            if not token:
                continue
            if token.startswith("各") and re.search(r"乡|镇|街道", token):
                ids.extend(self.towns)
                continue
            found = None
            for variant in self._variants(token):
                found = self._keys.get(variant)
                if found:
                    break
            if found:
                ids.append(found)
            else:
                unknown.append(token)
        return sorted(set(ids)), unknown


# --------------------------------------------------------------------------- the plan


@dataclass
class Node:
    names: tuple[str, ...]
    values: dict = field(default_factory=dict)
    channels: tuple[str, ...] = ()
    organisations: tuple[int, ...] = ()
    listed: tuple[str, ...] = ()
    children: list[Node] = field(default_factory=list)
    row: Row | None = None

    @property
    def is_leaf(self) -> bool:
        return not self.children


@dataclass
class DomainPlan:
    name: str
    tables: list[Table]
    roots: list[Node]
    nodes: dict[tuple[str, ...], Node]


@dataclass
class ImportSummary:
    file_name: str
    domains: list[str]
    levels: dict[int, int]
    leaves: int
    created: int = 0
    updated: int = 0
    deleted: int = 0
    retired: int = 0
    restored: int = 0
    #: (domain, names of a file row) → "new" | "changed" | "restored" | "unchanged"
    row_status: dict = field(default_factory=dict)
    #: items the file drops: {"domain", "names", "action": "delete" | "retire"}
    removed: list[dict] = field(default_factory=list)
    retire_confirmed: bool = False
    new_channels: list[str] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    unmatched_organisations: list[str] = field(default_factory=list)
    dry_run: bool = False

    def line(self) -> str:
        levels = "、".join(
            f"{LEVEL_NAMES.get(k, f'{k}级事项')} {v} 项" for k, v in sorted(self.levels.items())
        )
        prefix = "试运行（未保存）" if self.dry_run else "导入完成"
        return (
            f"{prefix}：领域 {len(self.domains)} 个（{'、'.join(self.domains)}），{levels}，"
            f"末级事项 {self.leaves} 项；新增 {self.created} 项，更新 {self.updated} 项，"
            f"删除 {self.deleted} 项"
            + (f"，停用 {self.retired} 项" if self.retired else "")
            + ("（需确认）" if self.retired and not self.retire_confirmed else "")
            + (f"，恢复启用 {self.restored} 项" if self.restored else "")
            + "。"
        )

    def to_retire(self) -> list[dict]:
        return [r for r in self.removed if r["action"] == "retire"]


class CatalogueImporter:
    """Reads a file into per-domain plans (`read`), then writes them (`apply`)."""

    def __init__(
        self,
        site,
        *,
        domain: str | None = None,
        official: bool = True,
        actor=None,
        reason: str = "",
    ):
        self.site = site
        self.domain = (domain or "").strip()
        self.official = official
        self.actor = actor
        self.reason = reason
        self.resolver = ChannelResolver.for_site(site)
        self.matcher = OrganisationMatcher(site)
        self.file_name = ""
        self.warnings: list[Issue] = []
        self.unmatched: list[str] = []

    # ---------------------------------------------------------------- reading

    def read(self, source) -> list[DomainPlan]:
        grids, _kind, self.file_name = read_grids(source)
        existing = list(Domain.objects.filter(site=self.site).values_list("name", flat=True))
        region = self.site.name.removesuffix("人民政府")
        words = [
            self.site.name,
            region,
            self.site.city + region,
            self.site.province + self.site.city + region,
        ]
        words += [self.site.city, self.site.province]
        parser = TableParser(
            self.resolver, known_domains(existing + ([self.domain] if self.domain else [])), words
        )
        result = parser.parse(grids)
        issues = list(result.issues)
        self.warnings = list(result.warnings)
        tables = result.tables
        if not tables and not issues:
            raise CatalogueFileError(
                "文件中没有找到标准目录表格：表头应含“序号、公开事项（一级事项、二级事项）、公开内容、"
                "公开依据、公开时限、公开主体、公开渠道和载体”等列。"
            )
        if self.domain:
            named = [t for t in tables if t.domain == self.domain]
            if named:
                tables = named
            elif len(tables) == 1 or all(not t.domain for t in tables):
                for t in tables:
                    t.domain = self.domain
            else:
                found = "、".join(dict.fromkeys(t.domain for t in tables if t.domain))
                raise CatalogueFileError(
                    f"文件中没有“{self.domain}”领域的表格（文件包含：{found}）。"
                )
        for t in tables:
            if not t.domain:
                issues.append(
                    Issue(
                        t.sheet,
                        t.header_row,
                        "无法从标题确定公开领域，请在标题中写明“…领域”或使用 --domain 指定",
                    )
                )
        plans = self._plans(tables, issues)
        if issues:
            raise CatalogueFileError(
                f"文件“{self.file_name}”有 {len(issues)} 处错误，未导入任何内容：", issues
            )
        return plans

    def _plans(self, tables: list[Table], issues: list[Issue]) -> list[DomainPlan]:
        by_domain: dict[str, list[Table]] = {}
        for t in tables:
            by_domain.setdefault(t.domain, []).append(t)
        listed = {
            code: pk
            for code, pk in ListedItem.objects.filter(site=self.site).values_list("code", "pk")
        }
        plans = []
        for name, domain_tables in by_domain.items():
            if len(name) > 60:
                issues.append(
                    Issue(
                        domain_tables[0].sheet, domain_tables[0].header_row, f"领域名称过长：{name}"
                    )
                )
                continue
            roots: list[Node] = []
            nodes: dict[tuple[str, ...], Node] = {}
            leaf_rows: dict[tuple[str, ...], Row] = {}
            prefixes: dict[tuple[str, ...], int] = {}
            for table in domain_tables:
                for row in table.rows:
                    path = tuple(row.names)
                    if any(len(n) > 200 for n in path):
                        issues.append(Issue(row.sheet, row.number, "事项名称超过 200 字"))
                        continue
                    if path in leaf_rows:
                        issues.append(
                            Issue(
                                row.sheet,
                                row.number,
                                f"事项“{path[-1]}”与第 {leaf_rows[path].number} 行重复",
                            )
                        )
                        continue
                    clash = next(
                        (path[:k] for k in range(1, len(path)) if path[:k] in leaf_rows), None
                    )
                    clash_row = leaf_rows[clash].number if clash else prefixes.get(path)
                    if clash_row is not None:
                        issues.append(
                            Issue(
                                row.sheet,
                                row.number,
                                f"“{(clash or path)[-1]}”既作为末级事项单独成行，又带有下级事项"
                                f"（见第 {clash_row} 行）",
                            )
                        )
                        continue
                    leaf_rows[path] = row
                    for k in range(1, len(path)):
                        prefixes.setdefault(path[:k], row.number)
                    parent_list = roots
                    for depth in range(1, len(path) + 1):
                        key = path[:depth]
                        node = nodes.get(key)
                        if node is None:
                            node = Node(names=key)
                            nodes[key] = node
                            parent_list.append(node)
                        parent_list = node.children
                    leaf = nodes[path]
                    leaf.row = row
                    leaf.values = self._leaf_values(row)
                    leaf.channels = tuple(
                        sorted(row.channels + row.new_channels, key=self._channel_order)
                    )
                    org_ids, unknown = self.matcher.match(row.responsible_text)
                    leaf.organisations = tuple(org_ids)
                    for token in unknown:
                        if token not in self.unmatched:
                            self.unmatched.append(token)
                            self.warnings.append(
                                Issue(
                                    row.sheet,
                                    row.number,
                                    f"公开主体“{token}”未匹配到本站机构，已保留原文",
                                )
                            )
                    missing_codes = [c for c in row.listed_codes if c not in listed]
                    for code in missing_codes:
                        issues.append(
                            Issue(row.sheet, row.number, f"关联事项编码“{code}”不在已导入的清单中")
                        )
                    leaf.listed = tuple(sorted(c for c in row.listed_codes if c in listed))
            plans.append(DomainPlan(name, domain_tables, roots, nodes))
        return plans

    def _channel_order(self, name: str) -> tuple[int, str]:
        order = self.resolver.order
        return (order.index(name), name) if name in order else (len(order), name)

    def _leaf_values(self, row: Row) -> dict:
        rule = row.deadline
        return {
            "serial": row.serial[:20],
            "content": row.content,
            "basis": row.basis,
            "deadline_text": row.deadline_text,
            "deadline": rule.to_dict() if rule.parsed else {},
            "deadline_parsed": rule.parsed,
            "responsible_text": row.responsible_text,
            "audience_society": row.audience_society,
            "audience_specific": row.audience_specific,
            "mode_proactive": row.mode_proactive,
            "mode_on_request": row.mode_on_request,
            "level_county": row.level_county,
            "level_township": row.level_township,
            "five_stage": row.five_stage,
        }

    # ---------------------------------------------------------------- writing

    def apply(
        self, plans: list[DomainPlan], dry_run: bool = False, retire: bool = False
    ) -> ImportSummary:
        """Write the plans. Items the file drops are deleted; those with records (or other
        protected dependants) under them are retired (停用) instead, but only with `retire`
        — the admin's confirmation — otherwise the import is refused and nothing written."""
        from ..services import require_admin

        require_admin(self.actor, self.site)
        levels: dict[int, int] = {}
        leaves = 0
        for plan in plans:
            for names, node in plan.nodes.items():
                levels[len(names)] = levels.get(len(names), 0) + 1
                leaves += node.is_leaf
        summary = ImportSummary(
            file_name=self.file_name,
            domains=[p.name for p in plans],
            levels=levels,
            leaves=leaves,
            warnings=self.warnings,
            unmatched_organisations=self.unmatched,
            dry_run=dry_run,
            retire_confirmed=retire,
        )
        self.retire = retire
        with transaction.atomic():
            known = set(self.resolver.order)
            new_channels = []
            for plan in plans:
                for node in plan.nodes.values():
                    new_channels += [
                        c for c in node.channels if c not in known and c not in new_channels
                    ]
            summary.new_channels = new_channels
            if not dry_run:
                start = (
                    Channel.objects.filter(site=self.site).aggregate(m=Max("order"))["m"] or 1000
                ) + 1
                for offset, name in enumerate(new_channels):
                    Channel.objects.create(site=self.site, name=name[:60], order=start + offset)
            channel_ids = {
                name: pk
                for pk, name in Channel.objects.filter(site__isnull=True).values_list("pk", "name")
            }
            channel_ids.update(Channel.objects.filter(site=self.site).values_list("name", "pk"))
            listed_ids = dict(ListedItem.objects.filter(site=self.site).values_list("code", "pk"))
            changes: list[CatalogueChange] = []
            for plan in plans:
                self._apply_domain(plan, summary, changes, channel_ids, listed_ids, dry_run)
            blocked = summary.to_retire()
            if blocked and not retire and not dry_run:
                raise CatalogueFileError(
                    f"文件删去的 {len(blocked)} 个事项下已有政府信息，不能删除："
                    + "；".join(f"{r['domain']}：{' › '.join(r['names'])}" for r in blocked[:20])
                    + ("……" if len(blocked) > 20 else "")
                    + "。确认后这些事项将停用（保留事项及其信息和调整记录，不再新增信息）："
                    "请在导入预览页勾选“停用这些事项”，或在命令行加 --retire。未导入任何内容。"
                )
            if not dry_run:
                CatalogueChange.objects.bulk_create(changes, batch_size=500)
                if changes:
                    from ..indexing import index_site_on_commit
                    from ..services import touch_public_pages

                    touch_public_pages(self.site)
                    index_site_on_commit(self.site)
                record_event(
                    AuditEventType.IMPORTED,
                    actor=self.actor,
                    site=self.site,
                    after={
                        "file": self.file_name,
                        "domains": summary.domains,
                        "created": summary.created,
                        "updated": summary.updated,
                        "deleted": summary.deleted,
                        "retired": summary.retired,
                        "restored": summary.restored,
                    },
                    message=f"导入标准目录 {self.file_name}：{summary.line()}",
                )
        return summary

    def _apply_domain(self, plan, summary, changes, channel_ids, listed_ids, dry_run) -> None:
        site = self.site
        domain = Domain.objects.filter(site=site, name=plan.name).first()
        if domain is None and not dry_run:
            national = plan.name in NATIONAL_DOMAINS or plan.name in PILOT_DOMAINS
            order = NATIONAL_DOMAINS.index(plan.name) + 1 if plan.name in NATIONAL_DOMAINS else 100
            domain = Domain.objects.create(
                site=site, name=plan.name, is_national=national, sort_order=order
            )
        existing: list[CatalogueItem] = (
            list(CatalogueItem.objects.filter(domain=domain).order_by("path")) if domain else []
        )
        steplen = CatalogueItem.steplen
        by_path = {item.path: item for item in existing}
        names_of: dict[int, tuple[str, ...]] = {}
        for item in existing:
            parent = by_path.get(item.path[:-steplen]) if item.depth > 1 else None
            names_of[item.pk] = (*(names_of[parent.pk] if parent else ()), item.name)
        by_names = {names_of[i.pk]: i for i in existing}
        rel = _current_relations(existing)

        # which existing items stay although the file does not list them
        unmatched = [i for i in existing if names_of[i.pk] not in plan.nodes]
        kept: set[int] = {i.pk for i in unmatched if not i.is_official or not self.official}
        for item in unmatched:
            if item.pk in kept:
                for other in unmatched:
                    if item.path.startswith(other.path):
                        kept.add(other.pk)
        deleted = [i for i in unmatched if i.pk not in kept]
        # dropped items that records stand on are retired (停用), with their ancestors
        protected = _with_dependants([i.pk for i in deleted])
        retiring: set[int] = set()
        for item in deleted:
            if item.pk in protected:
                retiring.update(o.pk for o in deleted if item.path.startswith(o.path))
        kept |= retiring
        deleted = [i for i in deleted if i.pk not in retiring]

        # the final ordered forest: file nodes, then kept items under their parents
        children: dict[tuple[str, ...], list[tuple[str, ...]]] = {(): [n.names for n in plan.roots]}
        for names, node in plan.nodes.items():
            children[names] = [c.names for c in node.children]
        for item in existing:
            if item.pk in kept:
                names = names_of[item.pk]
                children.setdefault(names[:-1], []).append(names)
                children.setdefault(names, [])

        # paths: keep existing steps while the order is unchanged
        global_root_max = _root_max()
        new_path: dict[tuple[str, ...], str] = {}

        def place(parent: tuple[str, ...], parent_path: str) -> None:
            kids = children.get(parent, [])
            old_steps = [(_step(by_names[k].path) if k in by_names else None) for k in kids]
            known_steps = [s for s in old_steps if s is not None]
            first_new = next((i for i, s in enumerate(old_steps) if s is None), len(kids))
            keep = known_steps == sorted(known_steps) and all(
                s is None for s in old_steps[first_new:]
            )
            if parent == ():
                keep = keep and all(by_names[k].depth == 1 for k in kids if k in by_names)
            nonlocal global_root_max
            if keep:
                top = max(known_steps, default=0)
                if parent == () and old_steps[first_new:]:
                    top = max(top, global_root_max)
                for kid, step in zip(kids, old_steps, strict=True):
                    if step is None:
                        top += 1
                        step = top
                    if parent == ():
                        global_root_max = max(global_root_max, step)
                    new_path[kid] = parent_path + _key(step)
            else:
                base = global_root_max if parent == () else 0
                for index, kid in enumerate(kids, start=1):
                    new_path[kid] = parent_path + _key(base + index)
                if parent == ():
                    global_root_max = base + len(kids)
            for kid in kids:
                place(kid, new_path[kid])

        place((), "")

        to_create: list[tuple[tuple[str, ...], CatalogueItem]] = []
        to_update: list[CatalogueItem] = []
        moved: list[CatalogueItem] = []
        rel_changes: list[tuple[CatalogueItem, dict]] = []
        actor = actor_dict(self.actor)
        reason = self.reason or f"导入标准目录文件“{self.file_name}”"

        def change(item_id, name, action, before, after):
            changes.append(
                CatalogueChange(
                    site=site,
                    item_id=item_id,
                    item_name=name[:200],
                    domain_name=plan.name,
                    action=action,
                    before=before,
                    after=after,
                    reason=reason,
                    actor=actor,
                )
            )

        for names, path in new_path.items():
            node = plan.nodes.get(names)
            numchild = len(children.get(names, []))
            item = by_names.get(names)
            if item is None:
                values = dict(BLANK_VALUES) | (node.values if node and node.is_leaf else {})
                new = CatalogueItem(
                    site=site,
                    domain=domain,
                    name=names[-1],
                    path=path,
                    depth=len(names),
                    numchild=numchild,
                    is_official=self.official,
                    source_file=self.file_name[:200],
                    **values,
                )
                to_create.append((names, new))
                summary.created += 1
                if node is not None and node.is_leaf:
                    summary.row_status[(plan.name, names)] = "new"
                continue
            if item.path != path:
                moved.append(item)
            dirty = item.path != path or item.numchild != numchild
            item.path, item.numchild = path, numchild
            if node is None:  # kept local or retired item: only its position may change
                if dirty:
                    to_update.append(item)
                continue
            if item.is_retired:  # back in the standard: in use again
                item.is_retired, item.retired_at = False, None
                summary.restored += 1
                change(
                    item.pk,
                    item.name,
                    ChangeAction.RESTORE,
                    {"retired": True, "names": list(names)},
                    {"retired": False},
                )
                if node.is_leaf:
                    summary.row_status[(plan.name, names)] = "restored"
                dirty = True
            wanted = dict(BLANK_VALUES) | (node.values if node.is_leaf else {})
            current_rel = rel.get(item.pk, ((), (), ()))
            wanted_rel = (
                (
                    tuple(channel_ids.get(c, -1) for c in node.channels),
                    node.organisations,
                    tuple(listed_ids[c] for c in node.listed),
                )
                if node.is_leaf
                else ((), (), ())
            )
            before = {
                f: getattr(item, f) for f in LEAF_VALUE_FIELDS if getattr(item, f) != wanted[f]
            }
            rel_diff = tuple(
                tuple(sorted(a)) != tuple(sorted(b))
                for a, b in zip(current_rel, wanted_rel, strict=True)
            )
            official_changed = self.official and not item.is_official
            if before or any(rel_diff) or official_changed:
                after = {f: wanted[f] for f in before}
                for label, differs, cur, want in zip(
                    ("channels", "organisations", "listed_items"),
                    rel_diff,
                    current_rel,
                    wanted_rel,
                    strict=True,
                ):
                    if differs:
                        before[label], after[label] = sorted(cur), sorted(want)
                for f, v in wanted.items():
                    setattr(item, f, v)
                if official_changed:
                    before["is_official"], after["is_official"] = False, True
                    item.is_official = True
                item.source_file = self.file_name[:200]
                summary.updated += 1
                if node.is_leaf:
                    summary.row_status.setdefault((plan.name, names), "changed")
                change(item.pk, item.name, ChangeAction.UPDATE, before, after)
                if any(rel_diff):
                    rel_changes.append((item, {"rel": wanted_rel}))
                dirty = True
            if dirty:
                to_update.append(item)

        for item in deleted:
            summary.deleted += 1
            summary.removed.append(
                {"domain": plan.name, "names": list(names_of[item.pk]), "action": "delete"}
            )
            change(
                item.pk, item.name, ChangeAction.DELETE, {"names": list(names_of[item.pk])}, None
            )
        updating = {i.pk for i in to_update}
        now = timezone.now()
        for item in existing:
            if item.pk not in retiring or item.is_retired:
                continue
            summary.retired += 1
            summary.removed.append(
                {"domain": plan.name, "names": list(names_of[item.pk]), "action": "retire"}
            )
            item.is_retired, item.retired_at = True, now
            change(
                item.pk,
                item.name,
                ChangeAction.RETIRE,
                {"retired": False, "names": list(names_of[item.pk])},
                {"retired": True, "retired_at": now.isoformat()},
            )
            if item.pk not in updating:
                to_update.append(item)
        if dry_run:
            return

        if deleted:
            try:
                with transaction.atomic():
                    QuerySet.delete(CatalogueItem.objects.filter(pk__in=[i.pk for i in deleted]))
            except (ProtectedError, RestrictedError) as exc:
                names = "、".join(i.name for i in deleted[:10])
                raise CatalogueFileError(
                    f"文件中删去的事项（{names}）下已有政府信息，不能删除；未导入任何内容。"
                ) from exc
        if moved:
            for item in moved:
                item._final_path = item.path
                item.path = f"~{item.pk:012d}"
            CatalogueItem.objects.bulk_update(moved, ["path"], batch_size=500)
            for item in moved:
                item.path = item._final_path
        if to_update:
            fields = [
                "path",
                "numchild",
                "is_official",
                "source_file",
                "is_retired",
                "retired_at",
                *LEAF_VALUE_FIELDS,
            ]
            CatalogueItem.objects.bulk_update(to_update, fields, batch_size=300)
        created_items = CatalogueItem.objects.bulk_create(
            [i for _n, i in to_create], batch_size=500
        )
        if created_items and created_items[0].pk is None:  # backends without RETURNING
            paths = {i.path: i for i in created_items}
            for pk, path in CatalogueItem.objects.filter(path__in=list(paths)).values_list(
                "pk", "path"
            ):
                paths[path].pk = pk
        for names, item in to_create:
            node = plan.nodes.get(names)
            change(item.pk, item.name, ChangeAction.CREATE, None, _item_after(item, node))
            if node is not None and node.is_leaf:
                rel_changes.append(
                    (
                        item,
                        {
                            "rel": (
                                tuple(channel_ids.get(c, -1) for c in node.channels),
                                node.organisations,
                                tuple(listed_ids[c] for c in node.listed),
                            )
                        },
                    )
                )
        _write_relations(rel_changes)


def _item_after(item: CatalogueItem, node: Node | None) -> dict:
    data = {"names": list(node.names) if node else [item.name]}
    if node is not None and node.is_leaf:
        data.update({f: getattr(item, f) for f in LEAF_VALUE_FIELDS})
        data["channels"] = list(node.channels)
        data["organisations"] = list(node.organisations)
    return data


def _with_dependants(item_ids: list[int]) -> set[int]:
    """Items that rows elsewhere protect from deletion (e.g. records under them). Read from
    the model's relations, so the catalogue needs not know who builds on it."""
    found: set[int] = set()
    if not item_ids:
        return found
    for rel in CatalogueItem._meta.related_objects:
        if rel.many_to_many or getattr(rel, "on_delete", None) not in (PROTECT, RESTRICT):
            continue
        for start in range(0, len(item_ids), 900):
            found.update(
                rel.related_model._base_manager.filter(
                    **{f"{rel.field.name}__in": item_ids[start : start + 900]}
                )
                .values_list(rel.field.attname, flat=True)
                .distinct()
            )
    return found


def _step(path: str) -> int:
    return CatalogueItem._str2int(path[-CatalogueItem.steplen :])


def _key(step: int) -> str:
    key = CatalogueItem._int2str(step)
    return CatalogueItem.alphabet[0] * (CatalogueItem.steplen - len(key)) + key


def _root_max() -> int:
    last = (
        CatalogueItem.objects.filter(depth=1)
        .exclude(path__startswith="~")
        .order_by("-path")
        .values_list("path", flat=True)
        .first()
    )
    return _step(last) if last else 0


def _current_relations(items: list[CatalogueItem]) -> dict[int, tuple[tuple, tuple, tuple]]:
    ids = [i.pk for i in items]
    result: dict[int, list[list]] = {}
    specs = (
        (CatalogueItem.channels.through, "channel_id"),
        (CatalogueItem.organisations.through, "organisation_id"),
        (CatalogueItem.listed_items.through, "listeditem_id"),
    )
    for index, (through, column) in enumerate(specs):
        for start in range(0, len(ids), 900):
            for item_id, other in through.objects.filter(
                catalogueitem_id__in=ids[start : start + 900]
            ).values_list("catalogueitem_id", column):
                result.setdefault(item_id, [[], [], []])[index].append(other)
    return {k: (tuple(v[0]), tuple(v[1]), tuple(v[2])) for k, v in result.items()}


def _write_relations(rel_changes) -> None:
    if not rel_changes:
        return
    specs = (
        (CatalogueItem.channels.through, "channel_id"),
        (CatalogueItem.organisations.through, "organisation_id"),
        (CatalogueItem.listed_items.through, "listeditem_id"),
    )
    ids = [item.pk for item, _ in rel_changes]
    for index, (through, column) in enumerate(specs):
        for start in range(0, len(ids), 900):
            through.objects.filter(catalogueitem_id__in=ids[start : start + 900]).delete()
        rows = [
            through(catalogueitem_id=item.pk, **{column: other})
            for item, data in rel_changes
            for other in dict.fromkeys(data["rel"][index])
        ]
        through.objects.bulk_create(rows, batch_size=900)


def import_catalogue(
    source,
    site,
    *,
    domain: str | None = None,
    dry_run: bool = False,
    official: bool = True,
    actor=None,
    reason: str = "",
    retire: bool = False,
) -> ImportSummary:
    """Import a .xlsx or .docx catalogue into `site`. Raises CatalogueFileError on any problem,
    having written nothing. `retire` confirms retiring dropped items that have records."""
    importer = CatalogueImporter(site, domain=domain, official=official, actor=actor, reason=reason)
    plans = importer.read(source)
    return importer.apply(plans, dry_run=dry_run, retire=retire)
