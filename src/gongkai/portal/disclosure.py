"""The 政府信息公开 section: its five parts in the order 政府网站发展指引 (国办发〔2017〕47号)
prescribes, and the guide and rules pages (stored per site, with a default made from the
site's own data until an office admin writes them)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from gongkai.core import permissions
from gongkai.core.audit import record_event, snapshot
from gongkai.core.models import AuditEventType, Role, Site
from gongkai.core.sites import openness_office, touch_site

from .models import DisclosurePage, DisclosurePageKind


@dataclass(frozen=True)
class Part:
    key: str
    title: str
    url_name: str
    args: tuple = ()
    description: str = ""
    #: further pages of the part: (label, url name)
    links: tuple = ()


PARTS = (
    Part(
        "guide",
        _("政府信息公开指南"),
        "portal:disclosure_page",
        ("guide",),
        _(
            "政府信息的分类、编排体系、获取方式，以及政府信息公开工作机构的名称、办公地址、办公时间、"
            "联系电话、传真号码和互联网联系方式（《政府信息公开条例》第十二条）。"
        ),
    ),
    Part(
        "rules",
        _("政府信息公开制度"),
        "portal:disclosure_page",
        ("rules",),
        _("保密审查、主动公开、依申请公开、政策解读与回应关切、考核评议与责任追究等工作制度。"),
    ),
    Part(
        "catalogue",
        _("法定主动公开内容"),
        "catalogue:index",
        (),
        _(
            "按基层政务公开标准目录主动公开的政府信息（《政府信息公开条例》第十九条至第二十一条），"
            "可按公开领域、公开事项、发布机构、信息类别和年份浏览。"
        ),
        (
            (_("按公开事项浏览（标准目录）"), "catalogue:index"),
            (_("按机构、类别、年份浏览"), "records:list"),
            (_("机构职能"), "portal:organisations"),
            (_("政府公报"), "portal:gazette"),
        ),
    ),
    Part(
        "foi",
        _("依申请公开"),
        "foi:guide",
        (),
        _(
            "公民、法人或者其他组织可以向行政机关申请获取政府信息（《政府信息公开条例》第二十七条）。"
        ),
        (
            (_("申请须知"), "foi:guide"),
            (_("在线申请"), "foi:apply"),
            (_("办理进度查询"), "foi:track"),
            (_("信息公开查阅点"), "portal:reading_points"),
        ),
    ),
    Part(
        "report",
        _("政府信息公开年报"),
        "oversight:reports",
        (),
        _(
            "本级人民政府及其部门的政府信息公开工作年度报告（《政府信息公开条例》第四十九条、第五十条）。"
        ),
    ),
)

#: who writes the guide and the rules: the office that runs the section (公开办)
EDIT_ROLES = (Role.OFFICE_ADMIN,)

DEFAULT_TITLES = {
    DisclosurePageKind.GUIDE: "政府信息公开指南",
    DisclosurePageKind.RULES: "政府信息公开制度",
}

GUIDE = """<p>为便于公民、法人和其他组织获取{site}的政府信息，根据《中华人民共和国政府信息公开条例》编制本指南。</p>
<h2>一、主动公开</h2><p>主动公开的政府信息按《政府信息公开条例》第二十条、第二十一条及本级基层政务公开标准目录确定，
按公开领域、公开事项编排，在政府信息形成或者变更之日起20个工作日内通过本网站“政府信息公开”专栏公开，
法律、法规另有规定的从其规定。公众可按公开事项、发布机构、信息类别和年份检索、查阅和下载，
也可到信息公开查阅点查阅。</p>
<h2>二、依申请公开</h2><p>公民、法人或者其他组织可通过本网站“依申请公开”栏目在线提交申请，或以信函、传真、当面方式提交。
行政机关收到申请后能够当场答复的当场答复；不能当场答复的，自收到申请之日起20个工作日内答复；
需要延长答复期限的，经负责人同意并告知申请人，延长期限最长不超过20个工作日。</p>
<h2>三、政府信息公开工作机构</h2><p>名称：{office}<br>办公地址：{address}<br>办公时间：{hours}<br>
联系电话：{phone}<br>传真：{fax}<br>电子邮箱：{email}</p>
<h2>四、监督和救济</h2><p>公民、法人或者其他组织认为行政机关在政府信息公开工作中侵犯其合法权益的，
可以向上一级行政机关或者政府信息公开工作主管部门投诉、举报，也可以依法申请行政复议或者提起行政诉讼。</p>"""

RULES = """<p>{site}依据《中华人民共和国政府信息公开条例》建立健全以下制度：</p>
<ul><li>政府信息公开保密审查制度（先审后发）</li><li>政府信息主动公开制度（按标准目录、在法定时限内公开）</li>
<li>依申请公开登记、审核、办理、答复、归档制度（《条例》第四十五条）</li>
<li>政策解读与回应关切制度</li><li>政府信息公开工作年度报告制度（《条例》第四十九条、第五十条）</li>
<li>政务公开工作考核、社会评议和责任追究制度（《条例》第四十六条至第四十八条）</li></ul>"""


def default_body(site: Site, kind: str) -> str:
    if kind == DisclosurePageKind.RULES:
        return RULES.format(site=site.name)
    office = openness_office(site)
    dash = "—"
    return GUIDE.format(
        site=site.name,
        office=office.name if office else (site.sponsor or site.name),
        address=(office and office.address) or site.address or dash,
        hours=(office and office.office_hours) or "工作日 8:30-12:00，14:30-17:30",
        phone=(office and office.phone) or site.phone or dash,
        fax=(office and office.fax) or dash,
        email=(office and office.email) or site.email or dash,
    )


def page_for(site: Site, kind: str) -> DisclosurePage:
    """The stored page, or an unsaved default one (updated_at None) made from the site's data."""
    page = DisclosurePage.objects.filter(site=site, kind=kind).first()
    if page is None:
        page = DisclosurePage(
            site=site, kind=kind, title=DEFAULT_TITLES[kind], body=default_body(site, kind)
        )
    return page


def save_page(actor, site: Site, kind: str, *, title: str, body: str) -> DisclosurePage:
    """An office admin rewrites the guide or the rules; the guide must be kept current
    (《条例》第十二条, 第五十三条)."""
    permissions.require(actor, "修改政府信息公开专栏页面", site, EDIT_ROLES)
    with transaction.atomic():
        page = DisclosurePage.objects.select_for_update().filter(site=site, kind=kind).first()
        before = snapshot(page, ["title", "body"]) if page else None
        if page is None:
            page = DisclosurePage(site=site, kind=kind)
        page.title, page.body = title, body
        page.save()
        record_event(
            AuditEventType.OBJECT_CHANGED if before else AuditEventType.OBJECT_CREATED,
            actor=actor,
            obj=page,
            before=before,
            after=snapshot(page, ["title", "body"]),
        )
        touch_site(site)
    return page


def section(site: Site) -> list[dict]:
    """The five parts with their addresses, for the section's page and its navigation; the
    guide and rules say when they were last updated."""
    from django.urls import reverse

    stored = {
        page.kind: page.updated_at
        for page in DisclosurePage.objects.filter(site=site).only("kind", "updated_at")
    }
    return [
        {
            "key": part.key,
            "title": part.title,
            "url": reverse(part.url_name, args=part.args),
            "description": part.description,
            "links": [(label, reverse(name)) for label, name in part.links],
            "updated_at": stored.get(part.key),
        }
        for part in PARTS
    ]
