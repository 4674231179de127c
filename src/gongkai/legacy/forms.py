"""Forms of the review queue: confirming a page (leaf and organisation selects limited to what
the user may publish), rejecting it, confirming a column, and the classification rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gongkai.catalogue.models import CatalogueItem
from gongkai.core.models import Organisation

from . import classify, review
from .models import ClassificationRule


class LeafChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: CatalogueItem) -> str:
        return f"{obj.domain.name} · {obj.name}" if obj.domain_id else obj.name


class ConfirmForm(forms.Form):
    catalogue_item = LeafChoice(label=_("公开事项"), queryset=CatalogueItem.objects.none())
    organisation = forms.ModelChoiceField(label=_("发布机构"), queryset=Organisation.objects.none())
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, user, page, **kwargs):
        super().__init__(*args, **kwargs)
        site = page.site
        self.page = page
        organisations = review.confirm_organisations(user, site).order_by("path")
        leaves = review.confirm_leaves(user, site).order_by("domain__name", "path")
        self.fields["organisation"].queryset = organisations
        self.fields["catalogue_item"].queryset = leaves
        self.fields["catalogue_item"].help_text = _("只列出您所在机构可以发布的末级事项")
        self.initial.setdefault("version", page.version)
        if page.proposed_item_id and leaves.filter(pk=page.proposed_item_id).exists():
            self.initial.setdefault("catalogue_item", page.proposed_item_id)
        if (
            page.proposed_organisation_id
            and organisations.filter(pk=page.proposed_organisation_id).exists()
        ):
            self.initial.setdefault("organisation", page.proposed_organisation_id)

    def clean(self):
        data = super().clean()
        item, organisation = data.get("catalogue_item"), data.get("organisation")
        if item and organisation and not classify.may_publish_under(organisation, item):
            self.add_error(
                "catalogue_item", _("%(org)s不是“%(item)s”的公开主体，请另选事项或机构。")
                % {"org": organisation.name, "item": item.name},
            )  # fmt: skip
        return data


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("不予迁移的理由"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("例如：内容已过时、与其他页面重复、不属于政务公开内容"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class ColumnConfirmForm(forms.Form):
    column = forms.CharField(max_length=200, widget=forms.HiddenInput, required=False)
    include_low_confidence = forms.BooleanField(
        label=_("也确认可信度低于阈值的页面"), required=False
    )


class RuleForm(forms.ModelForm):
    catalogue_item = LeafChoice(
        label=_("公开事项"), queryset=CatalogueItem.objects.none(), required=False
    )

    class Meta:
        model = ClassificationRule
        fields = list(review.RULE_FIELDS)
        widgets = {"weight": forms.NumberInput(attrs={"step": "0.05", "min": "0", "max": "1"})}

    def __init__(self, *args, site, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["catalogue_item"].queryset = (
            classify.leaves_of(site).select_related("domain").order_by("domain__name", "path")
        )
        self.fields["organisation"].queryset = Organisation.objects.filter(
            site=site, is_active=True
        ).order_by("path")
        self.fields["weight"].help_text = _("0 到 1；低于 0.6 的建议进入人工确认")

    def clean(self):
        data = super().clean()
        if not data.get("catalogue_item") and not data.get("organisation"):
            raise forms.ValidationError(_("规则至少要指定公开事项或发布机构之一。"))
        weight = data.get("weight")
        if weight is not None and not 0 <= weight <= 1:
            self.add_error("weight", _("权重应在 0 到 1 之间。"))
        return data
