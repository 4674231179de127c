"""The reply letter (政府信息公开申请答复告知书) for every outcome, as .docx and PDF.

Each outcome has its wording and legal basis (《条例》第三十六条 to 第三十九条); every letter
names the organ and tells the applicant of the right to reconsideration and litigation
(《条例》第五十一条). The PDF is rendered from the same parts with WeasyPrint
(gongkai.core.pdf).
"""

from __future__ import annotations

from django.template.loader import render_to_string

from gongkai.core.models import OrganisationKind
from gongkai.core.officialdoc import (
    LINE_PITCH_PT,
    OfficialDocument,
    signature_indents,
)
from gongkai.core.pdf import html_to_pdf
from gongkai.core.workcalendar import document_date

from .models import ApplicantKind, FoiRequest, Outcome

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


def _addressed(request: FoiRequest) -> tuple[str, str]:
    """Who the letter speaks to, and how: a natural person by name and 您, a legal person or
    other organisation by its name and 贵单位 (GB/T 9704-2012 7.3.2: the 主送机关 is the
    applicant as the applicant is, never a "您（单位）" that fits neither)."""
    if request.applicant_kind == ApplicantKind.LEGAL and request.org_name:
        return request.org_name, "贵单位"
    return request.name, "您"


def letter_paragraphs(request: FoiRequest) -> dict:
    """The letter's parts as plain text, shared by the .docx, the HTML preview and tests."""
    decision, basis = TEMPLATES[request.outcome]
    addressee, you = _addressed(request)
    reason = request.outcome_reason.strip()
    decision = decision.replace("您", you).format(reason=reason).strip() or reason
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
        "salutation": f"{addressee}：",
        "intro": (
            f"本机关于{document_date(request.received_on)}收到{you}提出的政府信息公开申请"
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
        "date": document_date(request.replied_on),
        "contact": _contact(request),
    }


def correction_what(note: str) -> str:
    """The items to correct, as the 补正 event wrote them (foi.workflow.ask_correction)."""
    text = note.split("需要补正的事项：", 1)[-1]
    return text.split("。请于", 1)[0].strip().rstrip("。")


def correction_paragraphs(request: FoiRequest, tracking_url: str) -> dict:
    """The 补正告知书 (《条例》第三十条: one written notice saying what to correct and by when),
    with how to correct online, in the same parts as the reply letter."""
    notice = request.events.filter(kind="correction_asked").order_by("-id").first()
    if notice is None:
        raise ValueError("no correction asked")
    addressee, you = _addressed(request)
    year, number = request.serial.split("-")
    short = request.organisation.short_name or request.organisation.name
    due = document_date(request.correction_due) if request.correction_due else "规定期限"
    return {
        "title": "政府信息公开申请补正告知书",
        "number": f"{short}依申请补〔{year}〕{int(number)}号",
        "salutation": f"{addressee}：",
        "intro": (
            f"本机关于{document_date(request.received_on)}收到{you}提出的政府信息公开申请"
            f"（申请编号 {request.serial}）。经审查，申请内容需要补正，请{you}补正以下事项："
            f"{correction_what(notice.note)}。"
        ),
        "decision": (
            f"请于{due}前提交补正。{you}可以打开 {tracking_url} ，输入查询码"
            f" {request.tracking_code_display} 和申请时填写的联系电话，在查询页面在线提交"
            "补正说明和材料（PDF、JPG、PNG 文件）；也可以书面或当面向本机关提交。"
        ),
        "basis": (
            "答复期限自本机关收到补正后的申请之日起计算；无正当理由逾期不补正的，视为放弃申请，"
            "本机关不再处理该政府信息公开申请（《中华人民共和国政府信息公开条例》第三十条）。"
        ),
        "appeal": "特此告知。",
        "organ": request.organisation.name,
        "date": document_date(notice.date),
        "contact": _contact(request),
    }


def _contact(request: FoiRequest) -> str:
    return "；".join(
        p
        for p in (
            request.organisation.address and f"地址：{request.organisation.address}",
            request.organisation.phone and f"联系电话：{request.organisation.phone}",
        )
        if p
    )


def reply_letter_docx(request: FoiRequest) -> bytes:
    return letter_docx(letter_paragraphs(request))


def letter_docx(parts: dict) -> bytes:
    """A letter as Word opens it, in the official-document layout (gongkai.core.officialdoc)."""
    doc = OfficialDocument()
    doc.title(parts["title"])
    doc.number(parts["number"])
    doc.salutation(parts["salutation"])
    for key in ("intro", "decision", "basis"):
        doc.body(parts[key])
    doc.signature(parts["organ"], parts["date"], contact=parts["contact"], closing=parts["appeal"])
    return doc.to_bytes()


def reply_letter_pdf(request: FoiRequest) -> bytes:
    return letter_pdf(letter_paragraphs(request))


def letter_pdf(parts: dict) -> bytes:
    """The same letter as an A4 PDF (WeasyPrint), from the same parts as the .docx."""
    organ_indent, date_indent = signature_indents(parts["organ"], parts["date"])
    context = {
        "parts": parts,
        "organ_indent": organ_indent,
        "date_indent": date_indent,
        "line_pitch": f"{LINE_PITCH_PT:.2f}",
    }
    html = render_to_string("foi/letter_pdf.html", context)
    return html_to_pdf(html, "告知书 PDF")
