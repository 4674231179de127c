"""政府公报 (《政府信息公开条例》第二十三条): issues of published records, a generated A4 PDF
with cover, contents and page numbers, public pages by year and issue, and an idempotent demo."""

import io

import pytest
from pypdf import PdfReader

from gongkai.core.models import AuditEvent, Site
from gongkai.portal.demo import load_gazette_demo, load_portal_demo
from gongkai.portal.gazette import GazetteError, publish_issue
from gongkai.portal.models import GazetteArticle, GazetteIssue
from gongkai.records import workflow
from gongkai.records.demo import load_records_demo
from gongkai.records.models import Kind, Record
from tests.conftest import user
from tests.records.conftest import published


@pytest.fixture
def gazette_demo(demo, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    load_portal_demo()
    load_records_demo()
    load_gazette_demo()
    return demo


@pytest.fixture
def issue(gazette_demo):
    return GazetteIssue.objects.get(site=gazette_demo, is_published=True)


def _pdf_text(issue) -> tuple[int, str]:
    with issue.pdf.open("rb") as f:
        reader = PdfReader(io.BytesIO(f.read()))
    return len(reader.pages), "\n".join(p.extract_text() for p in reader.pages)


def test_demo_issue_pdf_has_cover_contents_and_articles(issue):
    titles = [a.record.title for a in issue.articles_in_order]
    assert "区人民政府关于印发2026年政务公开工作要点的通知" in titles
    assert "城市道路占用挖掘管理办法" in titles  # the policy is printed too
    assert issue.title == f"迎江区人民政府公报 {issue.year}年第1期"
    pages, text = _pdf_text(issue)
    assert pages >= 2
    flat = text.replace(" ", "").replace("\n", "")
    assert "迎江区人民政府公报" in flat
    assert "区人民政府关于印发2026年政务公开工作要点的通知" in flat
    notice = Record.objects.get(
        site=issue.site, title="区人民政府关于印发2026年政务公开工作要点的通知"
    )
    assert notice.document_number == f"迎政〔{notice.written_on.year}〕1号"  # 区政府's 代字
    assert notice.document_number in flat
    assert "—2—" in flat  # page numbers from @page


def test_publish_writes_audit_and_touches_site(issue):
    site = Site.objects.get(pk=issue.site_id)
    before = site.content_changed_at
    publish_issue(issue, user("admin"))  # publishing again regenerates the PDF
    site.refresh_from_db()
    assert site.content_changed_at > before
    event = AuditEvent.objects.filter(message__startswith="发布政府公报").order_by("-pk").first()
    assert event is not None and issue.title in event.message


def test_only_published_gazette_or_policy_records(gazette_demo, settings, tmp_path):
    notice = Record.objects.get(site=gazette_demo, title="关于2026年城区供水管网改造停水的通知")
    issue = GazetteIssue.objects.create(site=gazette_demo, year=2026, number=9)
    with pytest.raises(GazetteError, match="至少"):
        publish_issue(issue)
    GazetteArticle.objects.create(issue=issue, record=notice)
    with pytest.raises(GazetteError, match="不是政府公报或政策文件"):
        publish_issue(issue)
    assert not GazetteIssue.objects.get(pk=issue.pk).is_published


def test_withdrawn_article_blocks_publication_and_hides_from_issue(issue, client):
    article = issue.articles_in_order.first()
    record = article.record
    workflow.withdraw(user("admin"), record, "演示撤回")
    with pytest.raises(GazetteError, match="撤回"):
        publish_issue(issue)
    html = client.get(issue.get_absolute_url()).content.decode()
    assert record.title not in html


def test_public_pages(issue, client):
    listing = client.get("/gazette/")
    assert listing.status_code == 200
    html = listing.content.decode()
    assert issue.title in html and issue.get_absolute_url() in html
    page = client.get(f"/gazette/{issue.year}/1/")
    assert page.status_code == 200
    html = page.content.decode()
    for article in issue.articles_in_order:
        assert article.record.get_absolute_url() in html
    assert f"/gazette/{issue.year}/1/pdf/" in html
    pdf = client.get(f"/gazette/{issue.year}/1/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert client.get(f"/gazette/{issue.year}/2/").status_code == 404
    assert "/gazette/" in client.get("/xxgk/").content.decode()


def test_unpublished_issue_is_not_public(gazette_demo, client):
    GazetteIssue.objects.create(site=gazette_demo, year=2025, number=4)
    assert client.get("/gazette/2025/4/").status_code == 404
    assert "2025年第4期" not in client.get("/gazette/").content.decode()


def test_without_weasyprint_the_issue_shows_a_message(gazette_demo, client, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_weasyprint(name, *args, **kwargs):
        if name == "weasyprint":
            raise ImportError("no weasyprint")
        return real_import(name, *args, **kwargs)

    policy = Record.objects.get(site=gazette_demo, kind=Kind.POLICY)
    issue = GazetteIssue.objects.create(site=gazette_demo, year=2025, number=2)
    GazetteArticle.objects.create(issue=issue, record=policy)
    monkeypatch.setattr(builtins, "__import__", no_weasyprint)
    publish_issue(issue, user("admin"))
    monkeypatch.undo()
    issue.refresh_from_db()
    assert issue.is_published and not issue.pdf
    html = client.get("/gazette/2025/2/").content.decode()
    assert "本期 PDF 暂未生成" in html
    event = AuditEvent.objects.filter(message__contains="无法生成公报 PDF").first()
    assert event is not None


def test_demo_is_idempotent(gazette_demo):
    counts = (GazetteIssue.objects.count(), GazetteArticle.objects.count(), Record.objects.count())
    assert GazetteIssue.objects.filter(site__slug="ouhai", is_published=True).exists()
    assert load_gazette_demo() == []
    assert (
        GazetteIssue.objects.count(),
        GazetteArticle.objects.count(),
        Record.objects.count(),
    ) == counts


def test_admin_action_publishes(gazette_demo, client, settings):
    settings.REQUIRE_2FA = False
    policy = Record.objects.get(site=gazette_demo, kind=Kind.POLICY)
    issue = GazetteIssue.objects.create(site=gazette_demo, year=2025, number=7)
    GazetteArticle.objects.create(issue=issue, record=policy)
    client.force_login(user("admin"))
    response = client.post(
        "/admin/portal/gazetteissue/",
        {"action": "publish_with_pdf", "_selected_action": [issue.pk]},
        follow=True,
    )
    assert response.status_code == 200
    issue.refresh_from_db()
    assert issue.is_published and issue.pdf


def test_published_helper_records_are_accepted(gazette_demo):
    """A gazette-kind record published through the workflow can be printed."""
    from tests.records.conftest import make_leaf

    leaf = make_leaf(gazette_demo, "政府公报刊登")
    housing = gazette_demo.organisations.get(name="区住房和城乡建设局")
    record = published(user("yj_admin"), user("admin"), housing, leaf,
                       title="公报测试文件", kind=Kind.GAZETTE)  # fmt: skip
    issue = GazetteIssue.objects.create(site=gazette_demo, year=2025, number=8)
    GazetteArticle.objects.create(issue=issue, record=record)
    publish_issue(issue)
    assert GazetteIssue.objects.get(pk=issue.pk).pdf
