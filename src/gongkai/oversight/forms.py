from django import forms
from django.utils.translation import gettext_lazy as _

from .services import FIRST_YEAR, MAX_REPORT_BYTES, last_reportable_year


class ReportUploadForm(forms.Form):
    organisation = forms.ModelChoiceField(queryset=None, label=_("报告机关"))
    year = forms.TypedChoiceField(label=_("报告年度"), coerce=int)
    file = forms.FileField(
        label=_("报告文件"),
        help_text=_(
            "PDF 或 Word（.docx），不超过 %(mb)d MB；同一机关同一年度再次上传将替换原文件。"
        )
        % {"mb": MAX_REPORT_BYTES // 1024 // 1024},
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx"}),
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        years = range(last_reportable_year(), FIRST_YEAR - 1, -1)
        self.fields["year"].choices = [(y, f"{y}年") for y in years]
