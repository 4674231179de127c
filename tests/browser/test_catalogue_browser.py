import pytest

from tests.browser.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def catalogue_site(transactional_db):
    from gongkai.catalogue.demo import load_catalogue_demo
    from gongkai.core.demo import load_demo

    load_demo()
    load_catalogue_demo()


def _no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_shizheng_page_on_a_phone(catalogue_site, phone_page):
    from gongkai.catalogue.models import Domain

    domain = Domain.objects.get(site__slug="yingjiang", name="市政服务")
    phone_page.goto(f"/catalogue/{domain.pk}/")
    assert "市政服务领域基层政务公开标准目录" in phone_page.locator("h1").inner_text()
    assert phone_page.locator(".cat-card").first.is_visible()
    assert not phone_page.locator(".cat-table").is_visible()
    assert _no_sideways_scroll(phone_page)
    assert_accessible(phone_page, "市政服务 phone")
    phone_page.get_by_role("link", name="燃气经营许可证核发").first.click()
    assert "该事项暂无已发布的政府信息" in phone_page.content()
    assert _no_sideways_scroll(phone_page)
    assert_accessible(phone_page, "item phone")
    phone_page.goto("/catalogue/")
    assert _no_sideways_scroll(phone_page)
    assert_accessible(phone_page, "catalogue index phone")


def test_shizheng_table_on_desktop(catalogue_site, page):
    from gongkai.catalogue.models import Domain

    domain = Domain.objects.get(site__slug="yingjiang", name="市政服务")
    page.goto(f"/catalogue/{domain.pk}/")
    assert page.locator(".cat-table").is_visible()
    assert not page.locator(".cat-cards").is_visible()
    assert_accessible(page, "市政服务 desktop")
    page.goto("/")
    page.get_by_role("link", name="标准目录").first.click()
    assert page.locator("h1").inner_text() == "基层政务公开标准目录"


def test_staff_import_preview_flow(catalogue_site, page, settings, tmp_path):
    from gongkai.catalogue.models import CatalogueItem
    from gongkai.core.demo import DEMO_PASSWORD
    from tests.catalogue.builders import build_xlsx

    settings.REQUIRE_2FA = False
    settings.VAR_DIR = tmp_path
    path = build_xlsx(tmp_path / "national.xlsx")
    page.goto("/staff/login/")
    page.get_by_label("账号").fill("yj_admin")
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/staff/")
    assert "我的公开职责" in page.content()
    page.goto("/staff/catalogue/import/")
    assert_accessible(page, "import form")
    page.get_by_label("标准目录文件").set_input_files(str(path))
    page.get_by_role("button", name="上传并预览").click()
    page.wait_for_url("**/import/preview/")
    assert "试运行（未保存）" in page.content()
    assert_accessible(page, "import preview")
    # 城市综合执法 is in the national file, not in the demo catalogue
    assert not CatalogueItem.objects.filter(
        name="擅自设置户外广告处罚", site__slug="yingjiang"
    ).exists()
    page.get_by_role("button", name="确认导入").click()
    page.wait_for_url("**/staff/catalogue/")
    assert "导入完成" in page.content()
    assert CatalogueItem.objects.filter(
        name="擅自设置户外广告处罚", site__slug="yingjiang"
    ).exists()
    assert_accessible(page, "staff catalogue index")
