"""民生实事项目: each year one process in dated phases (seed 001, 民生实事项目人大代表票决制):
the public proposes → the office screens → the candidate list is published → the year's
deputies vote → the selected projects are implemented with weighted milestones → the public
evaluates them → the year's report.

The database keeps the rules that must not depend on code paths: one programme per site and
year, one roster entry per deputy, one ballot per deputy (UniqueConstraint: anchors.md,
Participation — duplicate ballots came from races until a unique index was added), one choice
per project on a ballot, one evaluation per person and project, scores 1–5."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongkai.core.models import Organisation, Site


class ProgrammePhase(models.TextChoices):
    """The phases in order; a programme only moves forward (participation.projects rules)."""

    DRAFT = "draft", _("筹备中")
    SOLICITATION = "solicitation", _("公开征集")
    SCREENING = "screening", _("筛选论证")
    CANDIDATES = "candidates", _("候选项目公示")
    VOTING = "voting", _("代表票决")
    RESULTS = "results", _("票决结果公布")
    IMPLEMENTATION = "implementation", _("组织实施")
    EVALUATION = "evaluation", _("满意度测评")
    CLOSED = "closed", _("年度总结")


class LivelihoodProgramme(models.Model):
    """One site's livelihood-projects process for one year, with its planned dates."""

    site = models.ForeignKey(
        Site, verbose_name=_("站点"), on_delete=models.PROTECT, related_name="livelihood_programmes"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("名称"), max_length=100)
    introduction = models.TextField(_("说明"), blank=True)
    phase = models.CharField(
        _("当前阶段"), max_length=20, choices=ProgrammePhase.choices, default=ProgrammePhase.DRAFT
    )
    solicitation_opens_on = models.DateField(_("征集开始日期"), null=True, blank=True)
    solicitation_closes_on = models.DateField(_("征集截止日期"), null=True, blank=True)
    vote_opens_at = models.DateTimeField(_("票决开始时间"), null=True, blank=True)
    vote_closes_at = models.DateTimeField(_("票决截止时间"), null=True, blank=True)
    choices_per_ballot = models.PositiveSmallIntegerField(
        _("每张选票可选项目数"), default=10, help_text=_("每位代表最多可选的候选项目数。")
    )
    projects_to_select = models.PositiveSmallIntegerField(
        _("拟确定项目数"), default=10, help_text=_("按得票多少确定的正式项目数。")
    )
    evaluation_opens_on = models.DateField(_("满意度测评开始日期"), null=True, blank=True)
    evaluation_closes_on = models.DateField(_("满意度测评截止日期"), null=True, blank=True)
    candidates_published_at = models.DateTimeField(_("候选项目公示时间"), null=True, blank=True)
    results_published_at = models.DateTimeField(_("票决结果公布时间"), null=True, blank=True)
    report = models.TextField(_("年度总结"), blank=True)
    report_published_at = models.DateTimeField(_("年度总结发布时间"), null=True, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("牵头机构"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("组织征集、筛选和票决的机构，通常为政府办公室。"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    #: when each phase was entered, {phase: ISO datetime} (participation.projects.advance)
    phase_dates = models.JSONField(_("各阶段开始时间"), default=dict, blank=True)
    #: set when the office closes the vote before vote_closes_at (participation.projects)
    vote_closed_at = models.DateTimeField(_("票决实际截止时间"), null=True, blank=True)
    #: the year's figures as published (participation.project_progress.publish_report), so
    #: the public page and the .docx say what was published even if data changes later
    report_data = models.JSONField(_("年度总结数据"), default=dict, blank=True)

    class Meta:
        verbose_name = _("民生实事项目年度征集")
        verbose_name_plural = _("民生实事项目年度征集")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["site", "year"], name="programme_one_per_site_year")
        ]

    def __str__(self) -> str:
        return f"{self.year} 年民生实事项目"


class DeputyRosterEntry(models.Model):
    """A people's-congress deputy who may vote in this year's programme; only accounts on the
    roster may cast a ballot (they sign in as staff, with two factors, holding Role.DEPUTY)."""

    programme = models.ForeignKey(
        LivelihoodProgramme, verbose_name=_("年度"), on_delete=models.CASCADE, related_name="roster"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("代表账号"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    delegation = models.CharField(_("代表团（选区）"), max_length=50, blank=True)
    added_at = models.DateTimeField(_("加入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("票决代表名单")
        verbose_name_plural = _("票决代表名单")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "user"], name="roster_one_entry_per_deputy"
            )
        ]

    def __str__(self) -> str:
        return f"{self.programme} 代表 {self.pk or ''}"


class ProjectCategory(models.TextChoices):
    EDUCATION = "education", _("教育")
    HEALTH = "health", _("医疗卫生")
    ELDERLY = "elderly", _("养老托育")
    TRANSPORT = "transport", _("交通出行")
    HOUSING = "housing", _("住房和社区")
    ENVIRONMENT = "environment", _("生态环境")
    EMPLOYMENT = "employment", _("就业和社会保障")
    CULTURE = "culture", _("文化体育")
    SAFETY = "safety", _("公共安全")
    OTHER = "other", _("其他")


class ProposalState(models.TextChoices):
    SUBMITTED = "submitted", _("待筛选")
    MERGED = "merged", _("已合并")
    FEASIBLE = "feasible", _("可行，列入候选")
    NOT_FEASIBLE = "not_feasible", _("暂不可行")


class Proposal(models.Model):
    """A project proposed by a person during solicitation. Duplicates are merged into one
    (`merged_into`); the screening decision carries its reason, shown to the public."""

    PERSONAL_FIELDS = ("title", "description", "place")

    programme = models.ForeignKey(
        LivelihoodProgramme,
        verbose_name=_("年度"),
        on_delete=models.CASCADE,
        related_name="proposals",
    )
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("建议人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField(_("项目名称"), max_length=100)
    category = models.CharField(_("类别"), max_length=20, choices=ProjectCategory.choices)
    place = models.CharField(_("实施地点"), max_length=100)
    estimated_cost = models.DecimalField(
        _("估算投资（万元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    description = models.TextField(_("建议内容"))
    state = models.CharField(
        _("状态"), max_length=20, choices=ProposalState.choices, default=ProposalState.SUBMITTED
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("合并至"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged",
    )
    screening_reason = models.TextField(_("筛选意见"), blank=True)
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("筛选人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    screened_at = models.DateTimeField(_("筛选时间"), null=True, blank=True)
    project = models.ForeignKey(
        "LivelihoodProject",
        verbose_name=_("形成的候选项目"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposals",
    )
    hidden = models.BooleanField(_("已隐藏"), default=False)
    hidden_reason = models.CharField(_("隐藏原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("项目建议")
        verbose_name_plural = _("项目建议")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["programme", "state"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(merged_into__isnull=True) | models.Q(state="merged"),
                name="proposal_merged_only_when_merged_into",
            )
        ]

    def __str__(self) -> str:
        return f"项目建议 {self.pk or ''}"


class ProjectState(models.TextChoices):
    CANDIDATE = "candidate", _("候选项目")
    SELECTED = "selected", _("票决确定")
    NOT_SELECTED = "not_selected", _("未入选")
    IN_PROGRESS = "in_progress", _("实施中")
    COMPLETED = "completed", _("已完成")
    DEFERRED = "deferred", _("延期实施")


class LivelihoodProject(models.Model):
    """A candidate project and, once selected by the vote, the project implemented."""

    programme = models.ForeignKey(
        LivelihoodProgramme,
        verbose_name=_("年度"),
        on_delete=models.CASCADE,
        related_name="projects",
    )
    title = models.CharField(_("项目名称"), max_length=100)
    category = models.CharField(_("类别"), max_length=20, choices=ProjectCategory.choices)
    place = models.CharField(_("实施地点"), max_length=100, blank=True)
    description = models.TextField(_("项目内容"))
    estimated_cost = models.DecimalField(
        _("估算投资（万元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    state = models.CharField(
        _("状态"), max_length=20, choices=ProjectState.choices, default=ProjectState.CANDIDATE
    )
    #: filled when the vote closes (participation.projects rules); hidden until then
    votes = models.PositiveIntegerField(_("得票数"), null=True, blank=True)
    rank = models.PositiveSmallIntegerField(_("得票排名"), null=True, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("责任单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="livelihood_projects",
    )
    budget = models.DecimalField(
        _("预算（万元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    planned_completion_on = models.DateField(_("计划完成日期"), null=True, blank=True)
    completed_on = models.DateField(_("实际完成日期"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    # implementation (participation.project_progress)
    assigned_at = models.DateTimeField(_("确定责任单位时间"), null=True, blank=True)
    spent = models.DecimalField(
        _("累计完成投资（万元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    deferred_reason = models.TextField(_("延期原因"), blank=True, default="")

    class Meta:
        verbose_name = _("民生实事项目")
        verbose_name_plural = _("民生实事项目")
        ordering = ["programme", "order", "id"]
        indexes = [models.Index(fields=["programme", "state"])]

    def __str__(self) -> str:
        return self.title

    @property
    def site(self) -> Site:
        return self.programme.site


class Ballot(models.Model):
    """One deputy's ballot in one programme: the unique constraint is the one-ballot rule."""

    programme = models.ForeignKey(
        LivelihoodProgramme,
        verbose_name=_("年度"),
        on_delete=models.PROTECT,
        related_name="ballots",
    )
    deputy = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("代表"), on_delete=models.PROTECT, related_name="+"
    )
    cast_at = models.DateTimeField(_("投票时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("选票")
        verbose_name_plural = _("选票")
        constraints = [
            models.UniqueConstraint(fields=["programme", "deputy"], name="ballot_one_per_deputy")
        ]

    def __str__(self) -> str:
        return f"{self.programme} 选票 {self.pk or ''}"


class BallotChoice(models.Model):
    ballot = models.ForeignKey(
        Ballot, verbose_name=_("选票"), on_delete=models.CASCADE, related_name="choices"
    )
    project = models.ForeignKey(
        LivelihoodProject, verbose_name=_("候选项目"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("选票选项")
        verbose_name_plural = _("选票选项")
        constraints = [
            models.UniqueConstraint(fields=["ballot", "project"], name="ballot_choice_once")
        ]

    def __str__(self) -> str:
        return f"{self.ballot} 选项 {self.pk or ''}"


class Milestone(models.Model):
    """A dated step of implementation with a weight; a project's progress is the weighted share
    of its milestones done (anchors.md: Decidim accountability, weighted children)."""

    project = models.ForeignKey(
        LivelihoodProject,
        verbose_name=_("项目"),
        on_delete=models.CASCADE,
        related_name="milestones",
    )
    title = models.CharField(_("节点"), max_length=100)
    due_on = models.DateField(_("计划完成日期"))
    weight = models.PositiveSmallIntegerField(_("权重"), default=1)
    done_on = models.DateField(_("实际完成日期"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("实施节点")
        verbose_name_plural = _("实施节点")
        ordering = ["project", "order", "due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(weight__gte=1), name="milestone_weight_positive"
            )
        ]

    def __str__(self) -> str:
        return self.title


class ProgressUpdate(models.Model):
    """A dated, public report on a project's implementation (photos and documents attached);
    never edited after posting, so the public timeline is what was said when it was said."""

    project = models.ForeignKey(
        LivelihoodProject, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="updates"
    )
    text = models.TextField(_("进展情况"))
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    milestone = models.ForeignKey(
        Milestone,
        verbose_name=_("完成的节点"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    posted_at = models.DateTimeField(_("发布时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("实施进展")
        verbose_name_plural = _("实施进展")
        ordering = ["project", "posted_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="progress_at_most_100"
            )
        ]

    def __str__(self) -> str:
        return f"{self.project} 进展 {self.pk or ''}"


def project_file_path(instance: ProjectFile, filename: str) -> str:
    return f"participation/projects/{instance.project_id}/{filename}"


class ProjectFile(models.Model):
    """A photo or document of a project's implementation, checked by content on upload."""

    class Kind(models.TextChoices):
        PHOTO = "photo", _("照片")
        DOCUMENT = "document", _("文件")

    project = models.ForeignKey(
        LivelihoodProject, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="files"
    )
    update = models.ForeignKey(
        ProgressUpdate,
        verbose_name=_("所属进展"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="files",
    )
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    file = models.FileField(_("文件"), upload_to=project_file_path, max_length=200)
    caption = models.CharField(_("说明"), max_length=200, blank=True)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("项目照片和文件")
        verbose_name_plural = _("项目照片和文件")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.caption or f"{self.project} 文件"


class ProjectEvaluation(models.Model):
    """A person's satisfaction with one project (public evaluation): one per person."""

    PERSONAL_FIELDS = ("comment",)

    project = models.ForeignKey(
        LivelihoodProject,
        verbose_name=_("项目"),
        on_delete=models.CASCADE,
        related_name="evaluations",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评价人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    score = models.PositiveSmallIntegerField(_("满意度"))
    comment = models.CharField(_("意见"), max_length=500, blank=True)
    hidden = models.BooleanField(_("已隐藏"), default=False)
    hidden_reason = models.CharField(_("隐藏原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("评价时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("项目满意度评价")
        verbose_name_plural = _("项目满意度评价")
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="evaluation_one_per_person"),
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="evaluation_score_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} 满意度评价 {self.pk or ''}"
