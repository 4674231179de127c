"""Seed the national channel checklist (公开渠道和载体) of the 基层政务公开标准目录 template.

A copy of catalogue.channels.NATIONAL_CHANNELS as it stood when this migration was written."""

from django.db import migrations

CHANNELS = [
    ('政府网站', ['政府门户网站', '门户网站', '网站', '政府信息公开网站', '政府信息公开专栏']),
    ('政府公报', ['公报']),
    ('两微一端', ['政务微博', '政务微信', '微博', '微信', '客户端', '政务新媒体', '新媒体', '微信公众号']),
    ('发布会/听证会', ['新闻发布会', '发布会', '听证会', '发布会听证会']),
    ('广播电视', ['广播', '电视', '电视台', '广播电台']),
    ('纸质媒体', ['纸质载体', '报刊', '报纸', '纸媒', '宣传册', '宣传资料']),
    ('公开查阅点', ['查阅点', '政府信息公开查阅点', '档案馆', '图书馆']),
    ('政务服务中心', ['政务服务大厅', '政务大厅', '行政服务中心', '办事大厅']),
    ('便民服务站', ['便民服务点', '便民服务中心', '便民服务大厅']),
    ('入户/现场', ['入户', '现场', '入户现场']),
    ('社区/企事业单位/村公示栏（电子屏）', ['社区/企事业单位/村公示栏', '社区企事业单位村公示栏电子屏', '社区企事业单位村公示栏', '公示栏', '公示栏（电子屏）', '村务公开栏', '公开栏', '电子屏', '村（居）务公开栏', '宣传栏']),
    ('精准推送', ['短信推送', '推送']),
    ('12345政务服务热线', ['12345热线', '政务服务热线', '12345']),
    ('其他', ['其它']),
]


def seed(apps, schema_editor):
    Channel = apps.get_model("catalogue", "Channel")
    for order, (name, aliases) in enumerate(CHANNELS, start=1):
        Channel.objects.update_or_create(
            site=None, name=name, defaults={"aliases": "\n".join(aliases), "order": order}
        )


def unseed(apps, schema_editor):
    Channel = apps.get_model("catalogue", "Channel")
    Channel.objects.filter(site=None, name__in=[name for name, _ in CHANNELS]).delete()


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
