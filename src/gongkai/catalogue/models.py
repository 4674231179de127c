"""The standard catalogue (基层政务公开标准目录): domains, the item tree, channels, versions.

国办发〔2019〕54号 asks every county to publish, per domain, a catalogue stating at least each
item's name, content, basis, time limit, responsible body, method, channel and audience; the
pilot plan 国办发〔2017〕42号 asks for it to be adjusted over time (动态调整), which the
`CatalogueChange` log and published `CatalogueVersion` snapshots record.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

from gongkai.core.models import Organisation, Site

#: The 26 domains of the 2019 sector guidelines, in their published order.
NATIONAL_DOMAINS = [
    "重大建设项目",
    "公共资源交易",
    "财政预决算",
    "安全生产",
    "税收管理",
    "征地补偿",
    "国有土地上房屋征收与补偿",
    "城乡规划",
    "生态环境",
    "公共文化服务",
    "公共法律服务",
    "扶贫",
    "救灾",
    "社会救助",
    "养老服务",
    "户籍管理",
    "涉农补贴",
    "义务教育",
    "卫生健康",
    "食品药品监管",
    "城市综合执法",
    "就业",
    "社会保险",
    "市政服务",
    "保障性住房",
    "农村危房改造",
]
#: Names the 2017 pilot used for the same areas (国办发〔2017〕42号); also national.
PILOT_DOMAINS = [
    "拆迁安置",
    "环境保护",
    "扶贫救灾",
    "食品药品监管",
    "就业创业",
    "医疗卫生",
]


class Domain(models.Model):
    """A disclosure domain (公开领域) of one site: one of the national 26 or a local one."""

    site = models.ForeignKey(
        Site, verbose_name=_("站点"), on_delete=models.CASCADE, related_name="catalogue_domains"
    )
    name = models.CharField(_("领域名称"), max_length=60)
    is_national = models.BooleanField(_("国家规定领域"), default=False)
    sort_order = models.PositiveIntegerField(_("排序"), default=100)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("公开领域")
        verbose_name_plural = _("公开领域")
        ordering = ["sort_order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "name"], name="catalogue_domain_unique_per_site"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Channel(models.Model):
    """A 公开渠道和载体. Rows without a site are the national checklist (seeded by migration);
    rows with a site are local platforms (e.g. 投资项目在线审批监管平台)."""

    site = models.ForeignKey(
        Site,
        verbose_name=_("站点"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="catalogue_channels",
    )
    name = models.CharField(_("渠道名称"), max_length=60)
    aliases = models.TextField(_("别名"), blank=True, help_text=_("每行一个，导入时用于识别"))
    order = models.PositiveIntegerField(_("排序"), default=100)

    class Meta:
        verbose_name = _("公开渠道")
        verbose_name_plural = _("公开渠道")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["site", "name"], name="catalogue_channel_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    def alias_list(self) -> list[str]:
        return [a.strip() for a in self.aliases.splitlines() if a.strip()]


class ListType(models.TextChoices):
    POWER = "power", _("权责清单")
    SERVICE = "service", _("公共服务事项")
    ONCE = "once", _("最多跑一次")


class ListedItem(models.Model):
    """A row of a simple imported list (权责清单, 公共服务事项, 最多跑一次) that leaves link to."""

    site = models.ForeignKey(
        Site, verbose_name=_("站点"), on_delete=models.CASCADE, related_name="listed_items"
    )
    list_type = models.CharField(_("清单类型"), max_length=20, choices=ListType.choices)
    code = models.CharField(_("事项编码"), max_length=80)
    name = models.CharField(_("事项名称"), max_length=200)
    organisation_name = models.CharField(_("实施机构"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("清单事项")
        verbose_name_plural = _("清单事项")
        ordering = ["list_type", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "list_type", "code"], name="catalogue_listed_item_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_list_type_display()} {self.code} {self.name}"


class FiveStage(models.TextChoices):
    """五公开 (decision, execution, management, service, result), catalogue-format.md."""

    DECISION = "决策", _("决策")
    EXECUTION = "执行", _("执行")
    MANAGEMENT = "管理", _("管理")
    SERVICE = "服务", _("服务")
    RESULT = "结果", _("结果")


class CatalogueItem(MP_Node):
    """An item of a domain's tree: depth 1 = 一级事项, 2 = 二级事项, 3 = 三级事项.

    Siblings keep the order of the file they came from (no node_order_by). Leaves carry the
    standard (标准要素). Items imported from an official template are locked (`is_official`)."""

    site = models.ForeignKey(
        Site, verbose_name=_("站点"), on_delete=models.CASCADE, related_name="catalogue_items"
    )
    domain = models.ForeignKey(
        Domain, verbose_name=_("公开领域"), on_delete=models.CASCADE, related_name="items"
    )
    name = models.CharField(_("事项名称"), max_length=200)
    serial = models.CharField(_("序号"), max_length=20, blank=True)
    content = models.TextField(_("公开内容（要素）"), blank=True)
    basis = models.TextField(_("公开依据"), blank=True)
    deadline_text = models.TextField(_("公开时限（原文）"), blank=True)
    deadline = models.JSONField(_("公开时限（规则）"), default=dict, blank=True)
    deadline_parsed = models.BooleanField(_("时限已识别"), default=False, db_index=True)
    responsible_text = models.TextField(_("公开主体（原文）"), blank=True)
    organisations = models.ManyToManyField(
        Organisation, verbose_name=_("公开主体"), blank=True, related_name="catalogue_items"
    )
    channels = models.ManyToManyField(
        Channel, verbose_name=_("公开渠道和载体"), blank=True, related_name="items"
    )
    audience_society = models.BooleanField(_("公开对象：全社会"), default=False)
    audience_specific = models.BooleanField(_("公开对象：特定群体"), default=False)
    mode_proactive = models.BooleanField(_("公开方式：主动"), default=False)
    mode_on_request = models.BooleanField(_("公开方式：依申请"), default=False)
    level_county = models.BooleanField(_("公开层级：县级"), default=False)
    level_township = models.BooleanField(_("公开层级：乡级"), default=False)
    five_stage = models.CharField(_("五公开"), max_length=4, choices=FiveStage.choices, blank=True)
    listed_items = models.ManyToManyField(
        ListedItem, verbose_name=_("关联清单事项"), blank=True, related_name="catalogue_items"
    )
    is_official = models.BooleanField(
        _("正式标准"), default=False, help_text=_("来自正式标准目录文件，已锁定，不能在页面上修改")
    )
    source_file = models.CharField(_("来源文件"), max_length=200, blank=True)
    version = models.PositiveIntegerField(
        _("编辑版本"),
        default=1,
        editable=False,
        help_text=_("每次保存修改加一，防止覆盖他人的修改"),
    )
    is_retired = models.BooleanField(
        _("已停用"),
        default=False,
        db_index=True,
        help_text=_("已从标准目录删去但下有政府信息：保留事项和信息，不再新增信息"),
    )
    retired_at = models.DateTimeField(_("停用时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("公开事项")
        verbose_name_plural = _("公开事项")
        indexes = [models.Index(fields=["site", "domain"])]

    def __str__(self) -> str:
        return self.name

    @property
    def level(self) -> int:
        return self.depth

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS.get(self.depth, f"{self.depth}级事项")

    @property
    def is_leaf_item(self) -> bool:
        return self.numchild == 0

    def deadline_rule(self):
        from .deadlines import DeadlineRule

        return DeadlineRule.from_dict(self.deadline, original=self.deadline_text)


LEVEL_LABELS = {1: "一级事项", 2: "二级事项", 3: "三级事项"}


class CatalogueVersion(models.Model):
    """A published state of a site's catalogue (动态调整, 国办发〔2017〕42号): a snapshot the
    public sees, with its number and date, that later versions are compared with."""

    site = models.ForeignKey(
        Site, verbose_name=_("站点"), on_delete=models.CASCADE, related_name="catalogue_versions"
    )
    number = models.PositiveIntegerField(_("版本号"))
    published_at = models.DateTimeField(_("发布时间"), auto_now_add=True)
    published_by = models.JSONField(_("发布人"), default=dict, blank=True)
    note = models.TextField(_("版本说明"), blank=True)
    snapshot = models.JSONField(_("目录快照"), default=list)

    class Meta:
        verbose_name = _("目录版本")
        verbose_name_plural = _("目录版本")
        ordering = ["site", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["site", "number"], name="catalogue_version_unique")
        ]

    def __str__(self) -> str:
        return f"第{self.number}版"


class ChangeAction(models.TextChoices):
    CREATE = "create", _("新增")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")
    MOVE = "move", _("移动")
    ASSIGN = "assign", _("调整公开主体")
    RETIRE = "retire", _("停用")
    RESTORE = "restore", _("恢复启用")


class CatalogueChange(models.Model):
    """One adjustment of the catalogue: who, when, what, why. `version` is set when the change
    is published in a CatalogueVersion."""

    site = models.ForeignKey(
        Site, verbose_name=_("站点"), on_delete=models.CASCADE, related_name="catalogue_changes"
    )
    item_id = models.BigIntegerField(_("事项ID"), null=True, blank=True, db_index=True)
    item_name = models.CharField(_("事项名称"), max_length=200)
    domain_name = models.CharField(_("公开领域"), max_length=60, blank=True)
    action = models.CharField(_("操作"), max_length=10, choices=ChangeAction.choices)
    before = models.JSONField(_("调整前"), null=True, blank=True)
    after = models.JSONField(_("调整后"), null=True, blank=True)
    reason = models.TextField(_("调整原因"))
    actor = models.JSONField(_("操作人"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    version = models.ForeignKey(
        CatalogueVersion,
        verbose_name=_("所属版本"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="changes",
    )

    class Meta:
        verbose_name = _("目录调整记录")
        verbose_name_plural = _("目录调整记录")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.item_name}"


def actor_dict(user) -> dict:
    """A snapshot of who acted, kept even if the account is deleted later."""
    from gongkai.core.audit import actor_snapshot

    snap = actor_snapshot(user)
    return {"id": snap["actor_id"], "username": snap["actor_username"], "name": snap["actor_name"]}
