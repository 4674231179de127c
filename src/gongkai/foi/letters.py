"""The reply letter (政府信息公开申请答复告知书) for every outcome, as .docx and PDF.

Each outcome has its wording and legal basis (《条例》第三十六条 to 第三十九条); every letter
names the organ and tells the applicant of the right to reconsideration and litigation
(《条例》第五十一条). The PDF is rendered from the same parts with WeasyPrint
(gongkai.core.pdf).
"""

from __future__ import annotations

import io

from django.template.loader import render_to_string
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from gongkai.core.models import OrganisationKind
from gongkai.core.pdf import html_to_pdf

from .models import FoiRequest, Outcome

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

Oc = Outcome
#: outcome → (the decision in words, its legal basis)
TEMPLATES: dict[str, tuple[str, str]] = {
    Oc.DISCLOSED: (
        "经审查，您申请获取的政府信息属于公开范围，本机关予以公开，现按您要求的形式提供。",
        "《中华人民共和国政府信息公开条例》第三十六条第二项",
    ),
    Oc.PARTIAL: (
        "经审查，您申请获取的政府信息中部分内容不应当公开，但能够作区分处理，"
        "本机关对可以公开的部分予以提供，对不予公开的部分说明理由如下：{reason}",
        "《中华人民共和国政府信息公开条例》第三十七条",
    ),
    Oc.REFUSED_SECRET: (
        "经审查，您申请获取的政府信息属于国家秘密，本机关不予公开。{reason}",
        "《中华人民共和国政府信息公开条例》第十四条、第三十六条第三项",
    ),
    Oc.REFUSED_LAW: (
        "经审查，您申请获取的政府信息属于法律、行政法规禁止公开的信息，本机关不予公开。{reason}",
        "《中华人民共和国政府信息公开条例》第十四条、第三十六条第三项",
    ),
    Oc.REFUSED_SAFETY: (
        "经审查，您申请获取的政府信息公开后可能危及国家安全、公共安全、经济安全、社会稳定，"
        "本机关不予公开。{reason}",
        "《中华人民共和国政府信息公开条例》第十四条、第三十六条第三项",
    ),
    Oc.REFUSED_THIRD_PARTY: (
        "经审查，您申请获取的政府信息涉及商业秘密、个人隐私等，公开会对第三方合法权益造成损害，"
        "本机关不予公开。{reason}",
        "《中华人民共和国政府信息公开条例》第十五条、第三十二条、第三十六条第三项",
    ),
    Oc.REFUSED_INTERNAL: (
        "经审查，您申请获取的信息属于人事管理、后勤管理、内部工作流程等内部事务信息，"
        "本机关不予公开。{reason}",
        "《中华人民共和国政府信息公开条例》第十六条第一款、第三十六条第三项",
    ),
    Oc.REFUSED_PROCESS: (
        "经审查，您申请获取的信息属于行政机关在履行职责过程中形成的讨论记录、过程稿、磋商信函、"
        "请示报告等过程性信息，本机关不予公开。{reason}",
        "《中华人民共和国政府信息公开条例》第十六条第二款、第三十六条第三项",
    ),
    Oc.REFUSED_ENFORCEMENT: (
        "经审查，您申请获取的信息属于行政执法案卷信息，本机关不予公开。{reason}",
        "《中华人民共和国政府信息公开条例》第十六条第二款、第三十六条第三项",
    ),
    Oc.REFUSED_QUERY: (
        "经审查，您申请获取的信息属于法律、行政法规对信息的获取有特别规定的行政查询事项，"
        "请按照有关规定办理。{reason}",
        "《中华人民共和国政府信息公开条例》第三十六条第七项",
    ),
    Oc.UNAVAILABLE_NOT_HELD: (
        "经检索，本机关不掌握您申请获取的政府信息。{reason}",
        "《中华人民共和国政府信息公开条例》第三十六条第四项、第五项",
    ),
    Oc.UNAVAILABLE_TO_CREATE: (
        "经审查，本机关没有您申请获取的现成信息，行政机关不需要对现有政府信息进行加工、分析后提供。"
        "{reason}",
        "《中华人民共和国政府信息公开条例》第三十八条",
    ),
    Oc.UNAVAILABLE_UNCLEAR: (
        "本机关已通知您补正申请，补正后申请内容仍不明确，无法提供相关信息。{reason}",
        "《中华人民共和国政府信息公开条例》第三十条",
    ),
    Oc.NOT_PROCESSED_PETITION: (
        "经审查，您提出的申请属于信访、投诉、举报等诉求，本机关不作为政府信息公开申请处理，"
        "请通过相应渠道提出。{reason}",
        "《中华人民共和国政府信息公开条例》第三十九条第一款",
    ),
    Oc.NOT_PROCESSED_REPEAT: (
        "您本次申请与此前已经答复的申请内容相同，本机关不重复处理。{reason}",
        "《中华人民共和国政府信息公开条例》第三十六条第六项",
    ),
    Oc.NOT_PROCESSED_PUBLICATION: (
        "您申请获取的是公开出版物，请通过公开出版物的获取途径获取。{reason}",
        "《中华人民共和国政府信息公开条例》第三十九条第二款",
    ),
    Oc.NOT_PROCESSED_EXCESSIVE: (
        "您的申请数量、频次明显超过合理范围，经要求说明理由，理由不合理，本机关不予处理。{reason}",
        "《中华人民共和国政府信息公开条例》第三十五条",
    ),
    Oc.NOT_PROCESSED_CONFIRM: (
        "您要求本机关确认或者重新出具您已经获取的信息，不属于政府信息公开申请，本机关不予处理。"
        "{reason}",
        "《中华人民共和国政府信息公开条例》第三十九条",
    ),
    Oc.OTHER_NO_CORRECTION: (
        "本机关已书面通知您补正申请，您无正当理由逾期未补正，视为放弃申请，本机关不再处理。",
        "《中华人民共和国政府信息公开条例》第三十条",
    ),
    Oc.OTHER_UNPAID: (
        "本机关已向您发出收费通知，您逾期未缴纳信息处理费，本机关不再处理该申请。",
        "《中华人民共和国政府信息公开条例》第四十二条、《政府信息公开信息处理费管理办法》",
    ),
    Oc.OTHER: (
        "{reason}",
        "《中华人民共和国政府信息公开条例》第三十六条",
    ),
}


def reconsideration_body(request: FoiRequest) -> str:
    """Where a reconsideration goes: the government of the same level for its departments, the
    government one level up for the government itself (行政复议法 第二十四条)."""
    org = request.organisation
    site = request.site
    if org.kind == OrganisationKind.GOVERNMENT:
        return site.parent.name if site.parent_id else "上一级人民政府"
    return site.name


def letter_number(request: FoiRequest) -> str:
    year, number = request.serial.split("-")
    short = request.organisation.short_name or request.organisation.name
    return f"{short}依申请告〔{year}〕{int(number)}号"


def letter_paragraphs(request: FoiRequest) -> dict:
    """The letter's parts as plain text, shared by the .docx, the HTML preview and tests."""
    decision, basis = TEMPLATES[request.outcome]
    reason = request.outcome_reason.strip()
    decision = decision.format(reason=reason).strip() or reason
    applicant = (
        request.org_name if request.applicant_kind == "legal" and request.org_name else request.name
    )
    wanted = "；".join(
        part
        for part in (
            request.document_title and f"文件名称：{request.document_title}",
            request.document_number and f"文号：{request.document_number}",
        )
        if part
    )
    return {
        "title": "政府信息公开申请答复告知书",
        "number": letter_number(request),
        "salutation": f"{applicant}：",
        "intro": (
            f"本机关于 {request.received_on:%Y年%m月%d日} 收到您（单位）提出的政府信息公开申请"
            f"（申请编号 {request.serial}），申请获取：{request.description.strip()}"
            + (f"（{wanted}）" if wanted else "")
            + "。现答复如下："
        ),
        "decision": decision,
        "basis": f"依据：{basis}。",
        "appeal": (
            f"如对本答复不服，可以自收到本告知书之日起六十日内向{reconsideration_body(request)}"
            "申请行政复议，也可以自收到本告知书之日起六个月内向人民法院提起行政诉讼"
            "（《中华人民共和国政府信息公开条例》第五十一条）。"
        ),
        "organ": request.organisation.name,
        "date": f"{request.replied_on:%Y年%m月%d日}",
        "contact": "；".join(
            p
            for p in (
                request.organisation.address and f"地址：{request.organisation.address}",
                request.organisation.phone and f"联系电话：{request.organisation.phone}",
            )
            if p
        ),
    }


def reply_letter_docx(request: FoiRequest) -> bytes:
    parts = letter_paragraphs(request)
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "仿宋"
    style.font.size = Pt(14)
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(parts["title"])
    run.bold = True
    run.font.size = Pt(20)
    number = doc.add_paragraph(parts["number"])
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph(parts["salutation"])
    for key in ("intro", "decision", "basis", "appeal"):
        paragraph = doc.add_paragraph(parts[key])
        paragraph.paragraph_format.first_line_indent = Pt(28)
    for key in ("organ", "date"):
        paragraph = doc.add_paragraph(parts[key])
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if parts["contact"]:
        doc.add_paragraph(parts["contact"])
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def reply_letter_pdf(request: FoiRequest) -> bytes:
    """The same letter as an A4 PDF (WeasyPrint), from the same parts as the .docx."""
    html = render_to_string("foi/letter_pdf.html", {"parts": letter_paragraphs(request)})
    return html_to_pdf(html, "告知书 PDF")
