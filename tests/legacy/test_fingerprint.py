"""The content fingerprint: the same document with other whitespace, punctuation or a little
template text stays within NEAR bits; different documents of one template land far apart."""

import subprocess
import sys

from gongkai.legacy import fingerprint
from gongkai.legacy.fingerprint import NEAR, bands, distance, simhash

NOTICE = (
    "关于城区供水管网改造期间临时停水的通知\n"
    "各街道办事处、区直各单位：\n"
    "为进一步提升城区供水保障能力，经区政府研究决定，自2017年11月1日起对人民路、"
    "湖心路沿线供水管网实施改造。改造期间部分区域将临时停水，请各单位提前做好储水准备，"
    "并向辖区居民做好解释工作。停水时间：2017年11月1日8:00至18:00。"
    "停水范围：人民路（菱湖南路至湖心中路段）两侧居民小区及单位。"
    "如有疑问，请拨打供水服务热线。特此通知。\n"
    "安庆市迎江区人民政府办公室\n2017年10月25日"
)
OTHER = (
    "关于做好2018年春节期间安全生产工作的通知\n"
    "各街道办事处、区直各单位：\n"
    "春节将至，为切实做好节日期间安全生产工作，防范和遏制各类生产安全事故发生，"
    "现将有关事项通知如下：一、加强隐患排查治理，重点检查人员密集场所和危险化学品企业。"
    "二、严格落实值班值守制度，确保信息畅通。三、做好应急准备，遇有突发情况及时处置并报告。"
    "特此通知。\n"
    "安庆市迎江区人民政府办公室\n2018年1月25日"
)


def test_whitespace_and_punctuation_do_not_count():
    respaced = NOTICE.replace("\n", " \n\n  ").replace("：", ": ").replace("，", ", ")
    full_width = NOTICE.replace("2017", "２０１７").replace("8:00", "８：００")
    assert distance(simhash(NOTICE), simhash(respaced)) == 0
    assert distance(simhash(NOTICE), simhash(full_width)) == 0


def test_same_document_with_a_little_template_text_is_near():
    # what another template leaves around the same body after extraction: a line break
    # here and there, a different spacing of the signature, a share-bar word
    other_template = "【字体：大 中 小】\n" + NOTICE.replace("\n", "\n\u3000\u3000")
    assert distance(simhash(NOTICE), simhash(other_template)) <= NEAR


def test_different_documents_of_one_template_are_far_apart():
    template = "首页 > 信息公开 > 通知公告\n{}\n【打印本页】【关闭窗口】 主办：迎江区人民政府"
    a, b = simhash(template.format(NOTICE)), simhash(template.format(OTHER))
    assert distance(a, b) > 4 * NEAR
    assert distance(simhash(NOTICE), simhash(OTHER)) > 4 * NEAR


def test_signed_64_bit_bands_and_stability():
    values = [simhash(NOTICE), simhash(OTHER), simhash("经济"), simhash("")]
    assert values[-1] == 0
    for value in values:
        assert -(2**63) <= value < 2**63  # fits a BigIntegerField
        parts = bands(value)
        assert len(parts) == 4 and all(0 <= p < 2**16 for p in parts)
        assert sum(p << s for p, s in zip(parts, (48, 32, 16, 0), strict=True)) == value % 2**64
    # the same in another process (Python's own hash() is salted per process)
    code = "from gongkai.legacy.fingerprint import simhash; import sys; print(simhash(sys.argv[1]))"
    out = subprocess.run(
        [sys.executable, "-c", code, NOTICE], capture_output=True, text=True, check=True
    )
    assert int(out.stdout) == values[0]


def test_near_fingerprints_share_a_band():
    """The duplicate lookup finds candidates by band: within NEAR bits, one band is equal."""
    base = simhash(NOTICE)
    for bits in ([0, 17, 33], [5, 21, 60], [47, 48, 63]):
        other = base
        for bit in bits:
            other ^= 1 << bit
        other = fingerprint.to_signed(other)
        assert distance(base, other) == 3
        assert any(x == y for x, y in zip(bands(base), bands(other), strict=True))


def test_similarity_confirms_a_near_fingerprint():
    """Two notices built from the same phrases can come within NEAR bits; the shingle
    overlap tells them apart from a copy of one document."""
    respaced = NOTICE.replace("\n", " \n ").replace("，", ", ")
    assert fingerprint.similarity(NOTICE, respaced) == 1.0
    street = NOTICE.replace("人民路", "湖心路").replace("2017年11月1日", "2017年12月5日")
    assert fingerprint.similarity(NOTICE, street) < 1.0
    assert fingerprint.similarity(NOTICE, OTHER) < fingerprint.SAME_DOCUMENT
