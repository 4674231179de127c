"""Demo sites from the seeds: 迎江区 (安庆市) and 瓯海区 (温州市) under the parent site 示范市.

`load_demo()` is idempotent: it creates what is missing and leaves existing rows alone, so it can
run on every `make run`. The domain apps register their own demo loaders in AppConfig.ready()
(`register_demo_loader`); `gongkai demo` runs them after this one, so core imports none of them."""

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils.module_loading import import_string

from .models import (
    LegalType,
    Membership,
    Organisation,
    OrganisationKind,
    Role,
    Site,
    User,
    legal_type_for,
)

DEMO_PASSWORD = "gongkai-demo-2026"  # noqa: S105 - printed on start; demo mode only

K = OrganisationKind

SITES = [
    {
        "slug": "shifan",
        "name": "示范市人民政府",
        "province": "示范省",
        "city": "示范市",
        "site_code": "0000000001",
        "hostnames": "shifan.localhost",
        "sponsor": "示范市人民政府办公室",
        "address": "示范市人民路1号",
        "phone": "0000-12345678",
        "admin_code": "330000",
        "orgs": [("示范市人民政府", K.GOVERNMENT, []), ("示范市人民政府办公室", K.OFFICE, [])],
    },
    {
        "slug": "yingjiang",
        "name": "迎江区人民政府",
        "province": "安徽省",
        "city": "安庆市",
        "parent": "shifan",
        "site_code": "3408020001",
        "hostnames": "yingjiang.localhost\n127.0.0.1\nlocalhost",
        "is_default": True,
        "sponsor": "迎江区人民政府办公室",
        "address": "安徽省安庆市迎江区沿江东路",
        "postcode": "246001",
        "phone": "0556-5501234",
        "email": "yjqzwgk@example.gov.cn",
        "icp_number": "皖ICP备00000001号",
        "police_number": "皖公网安备 34080202000001号",
        "admin_code": "340802",
        "orgs": [
            (
                "迎江区人民政府",
                K.GOVERNMENT,
                [
                    ("区人民政府办公室", K.OFFICE, [("区政务公开办公室", K.OFFICE, [])]),
                    ("区发展和改革委员会", K.DEPARTMENT, []),
                    ("区教育体育局", K.DEPARTMENT, []),
                    ("区民政局", K.DEPARTMENT, []),
                    ("区财政局", K.DEPARTMENT, []),
                    ("区人力资源和社会保障局", K.DEPARTMENT, []),
                    ("区住房和城乡建设局", K.DEPARTMENT, []),
                    ("区城市管理局", K.DEPARTMENT, []),
                    ("区卫生健康委员会", K.DEPARTMENT, []),
                    ("区市场监督管理局", K.DEPARTMENT, []),
                    ("区应急管理局", K.DEPARTMENT, []),
                    ("区数据资源管理局", K.DEPARTMENT, []),
                    ("临港经济开发区管委会", K.DEPARTMENT, []),
                    ("宜城路街道办事处", K.TOWN, [("宜城路社区", K.VILLAGE, [])]),
                    ("新河路街道办事处", K.TOWN, []),
                    ("华中路街道办事处", K.TOWN, []),
                    ("人民路街道办事处", K.TOWN, []),
                    ("孝肃路街道办事处", K.TOWN, []),
                    ("龙狮桥乡人民政府", K.TOWN, [("龙狮桥村", K.VILLAGE, [])]),
                    ("长风乡人民政府", K.TOWN, []),
                    ("新洲乡人民政府", K.TOWN, []),
                    ("安庆市迎江区自来水公司", K.INSTITUTION, []),
                    ("安庆港华燃气有限公司", K.THIRD_PARTY, []),
                ],
            ),
        ],
    },
    {
        "slug": "ouhai",
        "name": "瓯海区人民政府",
        "province": "浙江省",
        "city": "温州市",
        "parent": "shifan",
        "site_code": "3303040001",
        "hostnames": "ouhai.localhost",
        "sponsor": "瓯海区人民政府办公室",
        "address": "浙江省温州市瓯海区娄桥街道瓯海大道",
        "postcode": "325014",
        "phone": "0577-85101234",
        "email": "ohzwgk@example.gov.cn",
        "icp_number": "浙ICP备00000002号",
        "police_number": "浙公网安备 33030402000002号",
        "admin_code": "330304",
        "orgs": [
            (
                "瓯海区人民政府",
                K.GOVERNMENT,
                [
                    ("区人民政府办公室", K.OFFICE, [("区政务公开办公室", K.OFFICE, [])]),
                    ("区机构编制委员会办公室", K.DEPARTMENT, []),
                    ("区教育局", K.DEPARTMENT, []),
                    ("区民政局", K.DEPARTMENT, []),
                    ("区财政局", K.DEPARTMENT, []),
                    ("区人力资源和社会保障局", K.DEPARTMENT, []),
                    ("区住房和城乡建设局", K.DEPARTMENT, []),
                    ("区农业农村局", K.DEPARTMENT, []),
                    ("区卫生健康局", K.DEPARTMENT, []),
                    ("区残疾人联合会", K.DEPARTMENT, []),
                    ("区应急管理局", K.DEPARTMENT, []),
                    ("景山街道办事处", K.TOWN, []),
                    ("新桥街道办事处", K.TOWN, []),
                    ("娄桥街道办事处", K.TOWN, [("娄桥社区", K.VILLAGE, [])]),
                    ("潘桥街道办事处", K.TOWN, []),
                    ("郭溪街道办事处", K.TOWN, []),
                    ("瞿溪街道办事处", K.TOWN, []),
                    ("梧田街道办事处", K.TOWN, []),
                    ("南白象街道办事处", K.TOWN, []),
                    ("茶山街道办事处", K.TOWN, []),
                    ("丽岙街道办事处", K.TOWN, []),
                    ("仙岩街道办事处", K.TOWN, []),
                    ("三垟街道办事处", K.TOWN, []),
                    ("泽雅镇人民政府", K.TOWN, []),
                    ("温州市瓯海区慈善总会", K.THIRD_PARTY, []),
                ],
            ),
        ],
    },
]

# 机构性质 where it is not the usual one for the kind (core.models.legal_type_for). Only 行政机关
# and 法律法规授权组织 receive requests (《条例》第二条、第五十四条).
LEGAL_TYPES = {
    "安庆市迎江区自来水公司": LegalType.ENTERPRISE,
    "安庆港华燃气有限公司": LegalType.ENTERPRISE,
    "宜城路社区": LegalType.SELF_GOVERNING,
    "龙狮桥村": LegalType.SELF_GOVERNING,
    "娄桥社区": LegalType.SELF_GOVERNING,
    "区残疾人联合会": LegalType.AUTHORISED,  # 《残疾人保障法》授权
    "温州市瓯海区慈善总会": LegalType.OTHER,
}

# (username suffix, display name, organisation name, role)
STAFF = [
    ("admin", "公开办管理员", "区政务公开办公室", Role.OFFICE_ADMIN),
    ("editor", "住建局经办人", "区住房和城乡建设局", Role.EDITOR),
    ("reviewer", "住建局审核人", "区住房和城乡建设局", Role.REVIEWER),
    ("editor2", "民政局经办人", "区民政局", Role.EDITOR),
    ("deputy", "人大代表", "区人民政府办公室", Role.DEPUTY),
    ("evaluator", "第三方评估员", "区人民政府办公室", Role.EVALUATOR),
]
USER_PREFIX = {"yingjiang": "yj", "ouhai": "oh"}


# (order, name, dotted path of a loader `() -> list[str] | anything`), run in order.
DEMO_LOADERS: list[tuple[int, str, str]] = []


def register_demo_loader(name: str, loader_path: str, order: int = 50) -> None:
    """An app's demo data. The loader is imported only when the demo runs; a loader that returns
    a list gives lines for `gongkai demo` to print. Registering a name again replaces it."""
    entries = [entry for entry in DEMO_LOADERS if entry[1] != name]
    DEMO_LOADERS[:] = sorted([*entries, (order, name, loader_path)])


def demo_loader_names() -> list[str]:
    return [name for _order, name, _path in DEMO_LOADERS]


def load_app_demos(only: list[str] | None = None) -> list[str]:
    """Run the apps' demo loaders in order (or only the named ones); returns their lines."""
    lines: list[str] = []
    for _order, name, loader_path in DEMO_LOADERS:
        if only is not None and name not in only:
            continue
        result = import_string(loader_path)()
        if isinstance(result, list):
            lines.extend(str(line) for line in result)
    return lines


@dataclass
class DemoLogin:
    username: str
    name: str
    role: str
    organisation: str


def _ensure_site(spec: dict) -> Site:
    fields = {k: v for k, v in spec.items() if k not in {"slug", "orgs", "parent", "admin_code"}}
    if spec.get("parent"):
        fields["parent"] = Site.objects.get(slug=spec["parent"])
    site, created = Site.objects.get_or_create(slug=spec["slug"], defaults=fields)
    return site


def _ensure_orgs(
    site: Site, admin_code: str, specs, parent: Organisation | None, counter: list[int]
) -> None:
    for name, kind, children in specs:
        counter[0] += 1
        code = f"{admin_code}-{counter[0]:03d}"
        org = Organisation.objects.filter(site=site, name=name).first()
        if org is None:
            values = {
                "site": site,
                "name": name,
                "code": code,
                "kind": kind,
                "legal_type": LEGAL_TYPES.get(name) or legal_type_for(kind, name),
                **_org_details(site, name, kind),
            }
            org = (
                Organisation.objects.add_child(parent, values)
                if parent
                else Organisation.objects.add_root(values)
            )
        elif name in LEGAL_TYPES and org.legal_type != LEGAL_TYPES[name]:
            # demo databases made before 机构性质 existed got it derived from the kind
            org.legal_type = LEGAL_TYPES[name]
            org.save(update_fields=["legal_type"])
        _ensure_orgs(site, admin_code, children, org, counter)


def _org_details(site: Site, name: str, kind: str) -> dict:
    address = f"{site.province}{site.city}{site.name.removesuffix('人民政府')}"
    if kind == K.THIRD_PARTY:
        return {"address": address, "duties": "受委托承担相关公共服务，依法公开服务信息。"}
    return {
        "address": address,
        "office_hours": "工作日 8:30-12:00，14:30-17:30（夏季 15:00-18:00）",
        "phone": site.phone,
        "duties": f"负责{name.removeprefix('区')}职责范围内的政务公开工作，按标准目录主动公开政府信息，依法办理政府信息公开申请。",
    }


@transaction.atomic
def load_demo() -> list[DemoLogin]:
    """Create the demo sites, organisations and staff. Returns the demo logins."""
    for spec in SITES:
        site = _ensure_site(spec)
        _ensure_orgs(site, spec["admin_code"], spec["orgs"], None, [0])
    logins: list[DemoLogin] = []
    # One hash for the one published demo password: hashing it for each of the 13 accounts
    # cost most of the demo's start-up time (PBKDF2 is slow on purpose).
    hashed = make_password(DEMO_PASSWORD)
    if not User.objects.filter(username="admin").exists():
        admin = User.objects.create_superuser(
            "admin", "admin@example.gov.cn", None, display_name="系统管理员"
        )
        User.objects.filter(pk=admin.pk).update(password=hashed)
    logins.append(DemoLogin("admin", "系统管理员", "超级管理员", "全部站点"))
    for slug, prefix in USER_PREFIX.items():
        site = Site.objects.get(slug=slug)
        for suffix, name, org_name, role in STAFF:
            username = f"{prefix}_{suffix}"
            org = Organisation.objects.get(site=site, name=org_name)
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User.objects.create_user(
                    username, f"{username}@example.gov.cn", None, display_name=name
                )
                User.objects.filter(pk=user.pk).update(password=hashed)
            Membership.objects.get_or_create(user=user, organisation=org, role=role)
            logins.append(DemoLogin(username, name, Role(role).label, f"{site.name} {org.name}"))
    return logins
