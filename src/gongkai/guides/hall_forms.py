"""Forms of the service hall's staff pages (windows, the certificate library, imports)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import CertificateType, ServiceItem, Window


class WindowForm(forms.ModelForm):
    items = forms.ModelMultipleChoiceField(
        label=_("受理事项"),
        queryset=ServiceItem.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Window
        fields = ["number", "name", "kind", "address", "hours", "phone", "is_active"]

    def __init__(self, *args, site, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = (
            ServiceItem.objects.filter(site=site).select_related("organisation").order_by("code")
        )
        self.fields["items"].label_from_instance = lambda i: (
            f"{i.code} {i.name}（{i.organisation.name}）"
        )
        if self.instance.pk:
            self.initial.setdefault("items", list(self.instance.items.values_list("pk", flat=True)))


class CertificateForm(forms.ModelForm):
    class Meta:
        model = CertificateType
        fields = ["name", "kind", "issuer", "trust_level", "is_identity_card", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class CaseImportForm(forms.Form):
    file = forms.FileField(label=_("办件统计表（.xlsx）"))
