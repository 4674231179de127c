from django import forms
from django.utils.translation import gettext_lazy as _

from gongkai.core.models import Organisation
from gongkai.core.versioning import VersionForm

from .io.readers import MAX_BYTES
from .models import CatalogueItem, Channel, FiveStage

REASON = forms.CharField(
    label=_("调整原因"),
    max_length=500,
    widget=forms.Textarea(attrs={"rows": 2}),
    help_text=_("必填，记入目录调整记录，发布版本时一并公开"),
)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("标准目录文件"), help_text=_(".xlsx 或 .docx，不超过 10 MB"))
    domain = forms.CharField(
        label=_("公开领域"), required=False, max_length=60, help_text=_("不填则从文件标题识别")
    )
    official = forms.BooleanField(
        label=_("作为正式标准导入（导入后锁定）"), required=False, initial=True
    )
    reason = forms.CharField(label=_("调整原因"), max_length=500, initial="导入标准目录文件")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("文件超过 10 MB，无法导入。"))
        return upload


class ItemForm(VersionForm, forms.ModelForm):
    """The standard fields of an item; editing an existing one carries its version."""

    reason = REASON

    class Meta:
        model = CatalogueItem
        fields = [
            "name",
            "serial",
            "content",
            "basis",
            "deadline_text",
            "responsible_text",
            "channels",
            "audience_society",
            "audience_specific",
            "mode_proactive",
            "mode_on_request",
            "level_county",
            "level_township",
            "five_stage",
        ]
        widgets = {
            "content": forms.Textarea(attrs={"rows": 3}),
            "basis": forms.Textarea(attrs={"rows": 3}),
            "deadline_text": forms.TextInput(),
            "responsible_text": forms.TextInput(),
            "channels": forms.CheckboxSelectMultiple(),
        }

    def __init__(self, *args, site=None, versioned=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not versioned:
            for key in self.VERSION_KEYS:
                del self.fields[key]
        self.fields["channels"].queryset = Channel.objects.filter(
            site__isnull=True
        ) | Channel.objects.filter(site=site)
        self.fields["channels"].required = False
        self.fields["five_stage"].choices = [("", "—"), *FiveStage.choices]


class AssignForm(forms.Form):
    organisations = forms.ModelMultipleChoiceField(
        label=_("公开主体"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(),
    )
    reason = REASON

    def __init__(self, *args, site=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisations"].queryset = Organisation.objects.filter(
            site=site, is_active=True
        ).order_by("path")


class MoveForm(forms.Form):
    direction = forms.ChoiceField(
        label=_("移动方式"),
        choices=[("up", _("上移一位")), ("down", _("下移一位")), ("into", _("移入其他事项之下"))],
        widget=forms.RadioSelect(),
    )
    target = forms.ModelChoiceField(
        label=_("目标上级事项"), queryset=CatalogueItem.objects.none(), required=False
    )
    reason = REASON

    def __init__(self, *args, item=None, **kwargs):
        super().__init__(*args, **kwargs)
        if item is not None:
            self.fields["target"].queryset = (
                CatalogueItem.objects.filter(domain=item.domain, depth__lt=3)
                .exclude(path__startswith=item.path)
                .order_by("path")
            )


class PublishForm(forms.Form):
    note = forms.CharField(
        label=_("版本说明"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
