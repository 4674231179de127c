"""The staff handbook's screenshots (docs/handbook/): one registry, read by the browser test that
takes them (tests/browser/test_handbook_screenshots.py) and by the test that checks the
handbook's Markdown (tests/test_handbook.py), so an image the handbook shows can neither be
missing nor stop being produced.

`make handbook` writes the images into docs/handbook/img/ (GONGKAI_HANDBOOK_SHOTS); without that
variable the browser test writes them under the test var dir and leaves the source tree alone."""

import os
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HANDBOOK = REPO / "docs" / "handbook"
IMAGES = HANDBOOK / "img"
WIDTH = 1280
ENV = "GONGKAI_HANDBOOK_SHOTS"


@dataclass(frozen=True)
class Shot:
    walk: str  # the test that takes it: overview, editor, … oversight, services
    caption: str


SHOTS: dict[str, Shot] = {
    # 总览
    "login": Shot("overview", "工作人员登录"),
    "two-factor-enrol": Shot("overview", "首次登录绑定验证器"),
    "two-factor-verify": Shot("overview", "以后每次登录输入6位验证码"),
    "workbench": Shot("overview", "工作台"),
    # 信息发布员
    "editor-records": Shot("editor", "信息发布：我的草稿和本机构信息"),
    "editor-new": Shot("editor", "新建信息：目录事项、信息类别、文号和日期"),
    "editor-body": Shot("editor", "新建信息：正文、Word 文档和附件"),
    "editor-draft": Shot("editor", "草稿：公开期限及其计算方法"),
    "editor-attachment": Shot("editor", "上传附件"),
    "editor-submitted": Shot("editor", "已提交审核"),
    "editor-returned": Shot("editor", "被退回的草稿显示退回意见"),
    "editor-interpretation": Shot("editor", "起草政策解读"),
    "editor-duties": Shot("editor", "公开期限：即将到期和已超期的事项"),
    # 审核员
    "reviewer-queue": Shot("reviewer", "审核队列"),
    "reviewer-confidentiality": Shot("reviewer", "保密审查（逐项确认）"),
    "reviewer-return": Shot("reviewer", "退回修改并写明意见"),
    "reviewer-schedule": Shot("reviewer", "审核通过后发布或定时发布"),
    "reviewer-scheduled": Shot("reviewer", "已定时发布"),
    # 单位管理员
    "admin-catalogue": Shot("office_admin", "标准目录（工作台）"),
    "admin-catalogue-domain": Shot("office_admin", "公开领域的事项树"),
    "admin-import": Shot("office_admin", "导入标准目录"),
    "admin-import-preview": Shot("office_admin", "导入预览：逐行标明新增、修改、不变"),
    "admin-import-retire": Shot("office_admin", "导入预览：删去的事项，下有政府信息的停用"),
    "admin-versions": Shot("office_admin", "版本与调整记录"),
    "admin-audit": Shot("office_admin", "操作日志"),
    "admin-config": Shot("office_admin", "系统配置"),
    "admin-user": Shot("office_admin", "用户及其岗位"),
    "admin-organisation": Shot("office_admin", "机构及机构性质"),
    # 依申请公开办理人员
    "foi-list": Shot("foi", "依申请公开：申请列表"),
    "foi-register": Shot("foi", "登记申请"),
    "foi-case": Shot("foi", "申请的办理状态和答复期限"),
    "foi-correction": Shot("foi", "告知补正"),
    "foi-corrected": Shot("foi", "收到补正后答复期限重新计算"),
    "foi-extend": Shot("foi", "延长答复期限"),
    "foi-reply": Shot("foi", "答复"),
    "foi-replied": Shot("foi", "答复后生成告知书"),
    "foi-delivered": Shot("foi", "登记送达"),
    "foi-statistics": Shot("foi", "统计（年度报告表三、表四）"),
    # 监督考核
    "oversight-dashboard": Shot("oversight", "公开工作监测：预计得分、各项数字和图表"),
    "oversight-findings": Shot("oversight", "检查发现的问题"),
    "oversight-inspections": Shot("oversight", "自查督查与整改"),
    "oversight-inspection": Shot("oversight", "一次自查：问题、责任单位、整改期限和状态"),
    "oversight-plan": Shot("oversight", "工作方案：按阶段列出任务、责任单位和时间进度"),
    "oversight-annual": Shot("oversight", "年度报告：表二、表三、表四由平台计算"),
    "oversight-acceptance": Shot("oversight", "导出验收材料"),
    "oversight-messages": Shot("oversight", "咨询留言：答复期限和超期提醒"),
    "oversight-evaluation": Shot("oversight", "第三方评估：评估表和历年得分对比"),
    # 办事服务
    "services-items": Shot("services", "办事指南：本机构的办事事项"),
    "services-item": Shot("services", "一个事项的全部版本、施行情况和核验日期"),
    "services-edit": Shot("services", "编辑新版本：受理条件、申请材料和办理流程"),
    "services-review": Shot("services", "指南审核"),
    "services-scenario": Shot("services", "情景导航：自动检查和流程图"),
    "services-windows": Shot("services", "综合窗口及其受理事项"),
    "services-statistics": Shot("services", "办件统计：导入每月办件数据"),
    "services-landing": Shot("services", "公众看到的办事服务首页"),
    "services-guide": Shot("services", "公开的办事指南"),
    "services-result": Shot("services", "情景导航的办事清单"),
    "services-kiosk": Shot("services", "自助服务终端"),
}


def shots_for(walk: str) -> set[str]:
    return {name for name, shot in SHOTS.items() if shot.walk == walk}


def output_dir(default: Path) -> Path:
    """docs/handbook/img/ when GONGKAI_HANDBOOK_SHOTS says so (relative to the repository),
    else `default` (under the test var dir)."""
    chosen = os.environ.get(ENV, "").strip()
    if not chosen:
        return default
    path = Path(chosen)
    return path if path.is_absolute() else REPO / path
