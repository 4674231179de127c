"""Classification of imported pages (issue 15, point 5): the site's rules, its organisations'
names, its leaves' names and what staff already confirmed propose a leaf and an organisation
the organisation may publish under, with a confidence and notes staff can read."""

from __future__ import annotations

import pytest

from gongkai.catalogue.models import CatalogueItem
from gongkai.legacy import classify
from gongkai.legacy.classify import REVIEW_BELOW, propose, repropose
from gongkai.legacy.extract import ExtractedPage
from gongkai.legacy.models import ClassificationRule, LegacyPage, ReviewState
from gongkai.legacy.publishing import publish_page
from tests.conftest import org, user
from tests.records.conftest import make_leaf

from .factories import make_page, responsible_pair

pytestmark = pytest.mark.django_db


def page(**fields) -> ExtractedPage:
    values = {"title": "关于城区道路维修的通知", "body_html": "<p>正文。</p>"}
    values.update(fields)
    return ExtractedPage(**values)


def test_nothing_known_proposes_nothing_and_says_so(demo):
    proposal = propose(demo, page(title="无名页面", column_name="杂项栏目XYZ"))
    assert proposal.catalogue_item is None and proposal.organisation is None
    assert proposal.confidence == 0
    assert "人工归类" in proposal.note


def test_a_rule_proposes_its_leaf_and_organisation_at_its_weight(demo):
    housing, leaf = responsible_pair(demo)
    ClassificationRule.objects.create(
        site=demo,
        field="title",
        contains="棚户区 改造",
        catalogue_item=leaf,
        organisation=housing,
        weight=0.85,
    )
    proposal = propose(demo, page(title="2017年棚户区征收公告"))
    assert proposal.catalogue_item == leaf and proposal.organisation == housing
    assert proposal.confidence == pytest.approx(0.85)
    assert "匹配“棚户区”" in proposal.note and leaf.name in proposal.note
    assert proposal.confidence >= REVIEW_BELOW


def test_inactive_rules_and_other_sites_rules_are_ignored(demo, ouhai):
    housing, leaf = responsible_pair(demo)
    ClassificationRule.objects.create(
        site=demo, field="title", contains="棚户区", catalogue_item=leaf, active=False
    )
    other_housing, other_leaf = responsible_pair(ouhai)
    ClassificationRule.objects.create(
        site=ouhai, field="title", contains="棚户区", catalogue_item=other_leaf,
        organisation=other_housing,
    )  # fmt: skip
    proposal = propose(demo, page(title="棚户区改造"))
    assert proposal.catalogue_item is None and proposal.organisation is None


def test_body_and_publisher_fields(demo):
    housing, leaf = responsible_pair(demo)
    ClassificationRule.objects.create(
        site=demo, field="body", contains="供水,停水", catalogue_item=leaf, weight=0.7
    )
    ClassificationRule.objects.create(
        site=demo, field="publisher", contains="住建", organisation=housing, weight=0.75
    )
    proposal = propose(
        demo,
        page(body_html="<p>因管网改造，明日停水。</p>", source_name="迎江区住建委"),
    )
    assert proposal.catalogue_item == leaf and proposal.organisation == housing
    assert proposal.confidence == pytest.approx(0.7)  # the weaker half


def test_publisher_named_exactly_is_strong_contained_weaker(demo):
    housing = org(demo, "区住房和城乡建设局")
    exact = propose(demo, page(organisation_name="区住房和城乡建设局"))
    assert exact.organisation == housing
    assert "发布机构“区住房和城乡建设局”是本站机构" in exact.note
    inside = propose(demo, page(source_name="安庆市迎江区住房和城乡建设局"))
    assert inside.organisation == housing
    exact_score = classify.organisation_evidence(demo, page(organisation_name=housing.name))
    inside_score = classify.organisation_evidence(demo, page(source_name="迎江区住房和城乡建设局"))
    assert exact_score[0].confidence > inside_score[0].confidence


def test_short_name_counts_as_the_organisation(demo):
    housing = org(demo, "区住房和城乡建设局")
    housing.short_name = "区住建局"
    housing.save()
    evidence = classify.organisation_evidence(demo, page(source_name="区住建局"))
    assert evidence[0].organisation == housing
    assert evidence[0].confidence == classify.NAMED_EXACTLY and "简称" in evidence[0].note


def test_longest_organisation_name_inside_the_text_wins(demo):
    evidence = classify.organisation_evidence(demo, page(source_name="迎江区人民政府办公室"))
    assert evidence[0].organisation == org(demo, "区人民政府办公室")


def test_old_column_named_like_a_leaf(demo):
    housing, leaf = responsible_pair(demo)  # leaf "通知公告" of 住建局
    evidence = classify.column_evidence(demo, page(column_name="通知公告"))
    assert [e.catalogue_item for e in evidence] == [leaf]
    assert evidence[0].confidence == classify.COLUMN_IS_LEAF
    near = classify.column_evidence(demo, page(column_name="住建通知公告栏"))
    assert leaf in [e.catalogue_item for e in near]
    assert all(e.confidence == classify.COLUMN_NEAR_LEAF for e in near)
    proposal = propose(demo, page(column_name="通知公告", organisation_name=housing.name))
    assert proposal.catalogue_item == leaf and proposal.organisation == housing
    assert proposal.confidence == pytest.approx(classify.COLUMN_IS_LEAF)


def test_retired_and_parent_items_are_never_proposed(demo):
    housing, leaf = responsible_pair(demo)
    parent = CatalogueItem.objects.get_parent(leaf)
    named = classify.column_evidence(demo, page(column_name=parent.name))
    assert parent not in [e.catalogue_item for e in named]
    leaf.is_retired = True
    leaf.save()
    assert classify.column_evidence(demo, page(column_name="通知公告")) == []


def test_the_leaf_must_be_one_the_organisation_may_publish_under(demo):
    housing, housing_leaf = responsible_pair(demo)
    civil = org(demo, "区民政局")
    civil_leaf = make_leaf(demo, "低保公示", organisations=[civil])
    # a strong rule for 民政局's leaf, and the page says 住建局 published it
    ClassificationRule.objects.create(
        site=demo, field="title", contains="公示", catalogue_item=civil_leaf, weight=0.95
    )
    ClassificationRule.objects.create(
        site=demo, field="title", contains="公示", catalogue_item=housing_leaf, weight=0.5
    )
    proposal = propose(demo, page(title="公示", organisation_name=housing.name))
    assert proposal.organisation == housing
    assert proposal.catalogue_item == housing_leaf  # not 民政局's, however strong
    assert classify.may_publish_under(housing, housing_leaf)
    assert not classify.may_publish_under(housing, civil_leaf)
    assert "未采用“低保公示”" in proposal.note
    assert proposal.confidence < REVIEW_BELOW  # the fitting leaf is weakly supported


def test_a_leaf_of_a_parent_organisation_fits_its_sub_organisation(demo):
    office = org(demo, "区人民政府办公室")
    openness = org(demo, "区政务公开办公室")  # under the office
    leaf = make_leaf(demo, "政府信息公开指南", organisations=[office])
    assert classify.may_publish_under(openness, leaf)
    assert leaf in classify.leaves_for_organisations(demo, [openness])
    assert leaf not in classify.leaves_for_organisations(demo, [org(demo, "区民政局")])
    unassigned = make_leaf(demo, "无主体事项")
    assert unassigned in classify.leaves_for_organisations(demo, [org(demo, "区民政局")])


def test_a_leaf_with_one_responsible_organisation_implies_it(demo):
    housing, leaf = responsible_pair(demo)
    proposal = propose(demo, page(column_name="通知公告"))
    assert proposal.catalogue_item == leaf and proposal.organisation == housing
    assert proposal.confidence < classify.COLUMN_IS_LEAF
    assert "公开主体只有" in proposal.note


def test_agreeing_evidence_adds_up(demo):
    housing, leaf = responsible_pair(demo)
    ClassificationRule.objects.create(
        site=demo, field="column", contains="通知", catalogue_item=leaf, weight=0.5
    )
    proposal = propose(demo, page(column_name="通知公告", organisation_name=housing.name))
    # 1 − (1 − 0.7)(1 − 0.5) = 0.85 for the leaf; 0.9 for the organisation
    assert proposal.confidence == pytest.approx(0.85)
    lines = proposal.note.splitlines()
    scores = [float(line.split()[0]) for line in lines]
    assert scores == sorted(scores, reverse=True)  # strongest first


def test_learns_from_confirmed_pages_of_the_same_column(demo):
    housing, leaf = responsible_pair(demo)
    other = make_leaf(demo, "工程建设", organisations=[housing])
    editor = user("yj_editor")
    for title in ["甲", "乙", "丙"]:
        done = make_page(demo, column_name="城建动态", title=title)
        publish_page(editor, done, catalogue_item=other, organisation=housing)
    assert LegacyPage.objects.filter(review_state=ReviewState.CONFIRMED).count() == 3
    proposal = propose(demo, page(column_name="城建动态"))
    assert proposal.catalogue_item == other and proposal.organisation == housing
    assert "同栏目已确认 3 条，其中 3 条归入“工程建设”" in proposal.note
    assert proposal.confidence == pytest.approx(classify.LEARNED_AT_MOST * 3 / 4, abs=1e-3)
    # a fourth confirmation elsewhere lowers the agreement
    dissent = make_page(demo, column_name="城建动态", title="丁")
    publish_page(editor, dissent, catalogue_item=leaf, organisation=housing)
    lower = propose(demo, page(column_name="城建动态"))
    assert lower.catalogue_item == other
    assert lower.confidence < proposal.confidence


def test_repropose_updates_pending_pages_only(demo):
    housing, leaf = responsible_pair(demo)
    waiting = make_page(demo, title="棚户区改造征收决定", column_name="其他甲")
    done = make_page(demo, title="棚户区改造补偿方案", column_name="其他乙")
    publish_page(user("yj_editor"), done, catalogue_item=leaf, organisation=housing)
    rejected = make_page(demo, title="棚户区改造旧闻", review_state=ReviewState.REJECTED)
    ClassificationRule.objects.create(
        site=demo, field="title", contains="棚户区", catalogue_item=leaf,
        organisation=housing, weight=0.8,
    )  # fmt: skip
    assert repropose(demo) == 1
    waiting.refresh_from_db()
    assert waiting.proposed_item == leaf and waiting.proposed_organisation == housing
    assert waiting.confidence == pytest.approx(0.8) and "棚户区" in waiting.classification_note
    rejected.refresh_from_db()
    assert rejected.proposed_item is None
    assert repropose(demo) == 0  # nothing changed since
    assert repropose(demo, [waiting]) == 0


def test_extracted_from_keeps_what_the_rules_read(demo):
    stored = make_page(
        demo,
        column_name="通知公告",
        source_name="来源甲",
        metadata={"organisation_name": "区住房和城乡建设局", "site_name": "迎江区政府"},
    )
    again = classify.extracted_from(stored)
    assert again.column_name == "通知公告" and again.source_name == "来源甲"
    assert again.organisation_name == "区住房和城乡建设局" and again.site_name == "迎江区政府"
    assert again.body_html == stored.body_html
