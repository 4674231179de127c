"""The guides import and lists pages in a real browser: an upload with a bad row lists it by
sheet and row, the pages have no serious axe-core violation, at phone width too."""

import pytest

from tests.browser.conftest import PHONE, assert_accessible, staff_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def guides_site(transactional_db, settings):
    from gongkai.core.demo import load_demo
    from gongkai.guides.demo import load_guides_demo

    settings.REQUIRE_2FA = False
    load_demo()
    load_guides_demo()


def test_upload_with_a_bad_row_then_the_lists(guides_site, browser, live_server, tmp_path):
    import io

    import openpyxl

    from gongkai.core.models import Site
    from gongkai.guides.io import export_guides
    from gongkai.guides.models import Guide

    workbook = openpyxl.load_workbook(io.BytesIO(export_guides(Site.objects.get(slug="yingjiang"))))
    sheet = workbook["办事事项"]
    header = [c.value for c in sheet[1]]
    sheet.cell(row=3, column=header.index("实施机构") + 1, value="区不存在局")
    bad = tmp_path / "指南.xlsx"
    workbook.save(bad)
    before = Guide.objects.count()
    for viewport in (None, PHONE):
        context, page = (
            staff_login(browser, live_server)
            if viewport is None
            else staff_login(browser, live_server, viewport=PHONE)
        )
        page.goto("/staff/services/import/")
        assert_accessible(page, f"import form {viewport}")
        page.get_by_label("办事指南表").set_input_files(str(bad))
        page.get_by_role("button", name="上传并导入").click()
        alert = page.get_by_role("alert")
        assert "“办事事项”第 3 行：实施机构“区不存在局”不是本站点的一个机构" in alert.inner_text()
        assert_accessible(page, f"import errors {viewport}")
        page.get_by_role("link", name="权责清单、公共服务事项和最多跑一次清单").click()
        assert "涉及权责清单和公共服务事项清单" in page.content()
        assert_accessible(page, f"lists {viewport}")
        context.close()
    assert Guide.objects.count() == before
