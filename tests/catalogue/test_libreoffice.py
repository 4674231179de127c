"""The exported .xlsx opens in LibreOffice: convert it headless and read the result back."""

import os
import shutil
import subprocess

import pytest
from openpyxl import load_workbook

from gongkai.catalogue.io.dump import dump_catalogue
from gongkai.catalogue.io.exporter import export_xlsx_bytes
from gongkai.catalogue.io.importer import import_catalogue
from gongkai.core.permissions import SYSTEM


def _soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    if os.environ.get("GONGKAI_REQUIRE_BROWSER") == "1":
        pytest.fail("需要 LibreOffice（apt-get install libreoffice-calc-nogui），但未找到 soffice")
    pytest.skip("未找到 LibreOffice（soffice），跳过导出文件的 LibreOffice 读回测试；CI 会安装它")


@pytest.mark.django_db
def test_export_opens_in_libreoffice_and_reads_back(yingjiang, ouhai, files, tmp_path):
    soffice = _soffice()
    import_catalogue(files["xlsx"], yingjiang, actor=SYSTEM)
    exported = tmp_path / "export.xlsx"
    exported.write_bytes(export_xlsx_bytes(yingjiang))
    outdir = tmp_path / "lo"
    outdir.mkdir()
    profile = tmp_path / "profile"
    result = subprocess.run(
        [
            soffice,
            "--headless",
            "--norestore",
            f"-env:UserInstallation=file://{profile}",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(outdir),
            str(exported),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    converted = outdir / "export.xlsx"
    assert result.returncode == 0 and converted.exists(), result.stderr + result.stdout
    workbook = load_workbook(converted)
    assert workbook.sheetnames == ["重大建设项目", "社会救助", "城市综合执法"]  # national order
    sheet = workbook["重大建设项目"]
    assert sheet["A1"].value == "迎江区重大建设项目领域基层政务公开标准目录"
    assert sheet["B3"].value == "一级事项" and sheet["B4"].value == "批准服务信息"
    assert any(str(r) == "B4:B5" for r in sheet.merged_cells.ranges)  # 一级事项 still merged

    # and LibreOffice's file imports back to the same catalogue
    import_catalogue(converted, ouhai, actor=SYSTEM)
    strip = lambda dump: [  # noqa: E731
        {"domain": d["domain"], "items": _no_orgs(d["items"])} for d in dump
    ]
    assert strip(dump_catalogue(ouhai)) == strip(dump_catalogue(yingjiang))


def _no_orgs(nodes):
    return [
        {k: (_no_orgs(v) if k == "children" else v) for k, v in n.items() if k != "organisations"}
        for n in nodes
    ]
