"""Forms of the suggestion pages. They check input; the services hold the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from deputies.models import Congress, Deputy
from deputies.selectors import deputies_visible_to
from deputywork.models import Region
from deputywork.roles import scope_region, sees_every_row
from suggestions.forms_opinions import UnitChoices
from suggestions.models import (
    Category,
    ConsultationWay,
    DeclinedAs,
    DeclineReason,
    HandlingUnit,
    Period,
    ReplyClass,
    Suggestion,
    SupervisionKind,
)
from suggestions.models.opinions import Rating
from suggestions.models.suggestions import ATTACHMENT_EXTENSIONS, MAX_ATTACHMENT_BYTES


class DateInput(forms.DateInput):
    input_type = "date"


class SuggestionForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=120)
    content = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 10}), max_length=8000,
                              help_text=_("写明问题、原因和具体建议。"))
    category = forms.ModelChoiceField(label=_("类别"), queryset=Category.objects.filter(active=True))
    period = forms.ChoiceField(label=_("提出时间"), choices=Period.choices, initial=Period.RECESS)
    co_signers = forms.ModelMultipleChoiceField(label=_("联名代表"), required=False,
                                                queryset=Deputy.objects.filter(mandates__status="active").distinct(),
                                                widget=forms.SelectMultiple(attrs={"size": 6}))
    attachment = forms.FileField(label=_("附件"), required=False,
                                 help_text=_("PDF、图片、Word 或 Excel，不超过 10 MB。"))

    def clean_content(self) -> str:
        text = self.cleaned_data["content"].strip()
        if len(text) < 20:
            raise forms.ValidationError(_("内容太短，请写明问题和具体建议（至少20字）。"))
        return text

    def clean_attachment(self):
        f = self.cleaned_data.get("attachment")
        if f:
            ext = f.name.rsplit(".", 1)[-1].lower() if "." in f.name else ""
            if ext not in ATTACHMENT_EXTENSIONS:
                raise forms.ValidationError(_("附件格式不支持。"))
            if f.size > MAX_ATTACHMENT_BYTES:
                raise forms.ValidationError(_("附件不能超过 10 MB。"))
        return f


class StaffSuggestionForm(SuggestionForm):
    """Staff enter a suggestion for a deputy (a paper one handed in at a session, say)."""

    lead_deputy = forms.ModelChoiceField(label=_("领衔代表"),
                                         queryset=Deputy.objects.filter(mandates__status="active").distinct())
    congress = forms.ModelChoiceField(label=_("人民代表大会"), queryset=Congress.objects.select_related("region"))
    region = forms.ModelChoiceField(label=_("所属乡镇"), required=False,
                                    queryset=Region.objects.filter(level="township"))
    field_order = ["lead_deputy", "congress", "region", "title", "content", "category", "period", "co_signers"]

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if user is not None and not sees_every_row(user):
            # A county's office (or a township) enters items of its own deputies and congresses.
            region = scope_region(user)
            prefix = region.prefix if region is not None else "-"
            deputies = deputies_visible_to(user).filter(mandates__status="active").distinct()
            self.fields["lead_deputy"].queryset = self.fields["co_signers"].queryset = deputies
            self.fields["congress"].queryset = Congress.objects.select_related("region").filter(
                region__code__startswith=prefix)
            self.fields["region"].queryset = Region.objects.filter(level="township", code__startswith=prefix)


class DeclineForm(forms.Form):
    reason = forms.ChoiceField(label=_("不予立案理由"), choices=DeclineReason.choices)
    declined_as = forms.ChoiceField(label=_("转为"), choices=DeclinedAs.choices)
    note = forms.CharField(label=_("说明"), required=False, max_length=500)


class MergeForm(forms.Form):
    into = forms.ModelChoiceField(label=_("并入建议"), queryset=Suggestion.objects.none())
    note = forms.CharField(label=_("说明"), required=False, max_length=500)

    def __init__(self, *args, candidates=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if candidates is not None:
            self.fields["into"].queryset = candidates


class RegisterForm(forms.Form):
    complex = forms.BooleanField(label=_("复杂事项（办理期限六个月）"), required=False)
    note = forms.CharField(label=_("说明"), required=False, max_length=500)


KINDS = [("", _("按建议性质")), ("default", _("一般（三个月）")), ("complex", _("复杂（六个月）")),
         ("small", _("小事快办（几个工作日）"))]


class AssignForm(UnitChoices, forms.Form):
    unit_fields = ("lead_unit", "assisting_units")
    lead_unit = forms.ModelChoiceField(label=_("主办单位"), queryset=HandlingUnit.objects.filter(active=True))
    assisting_units = forms.ModelMultipleChoiceField(label=_("协办单位"), required=False,
                                                     queryset=HandlingUnit.objects.filter(active=True),
                                                     widget=forms.SelectMultiple(attrs={"size": 5}))
    kind = forms.ChoiceField(label=_("办理期限"), choices=KINDS, required=False)
    deadline = forms.DateField(label=_("或指定期限"), required=False, widget=DateInput,
                               help_text=_("落在节假日的期限顺延到下一个工作日。"))
    fast_track = forms.BooleanField(label=_("即提即办（当日立案并交办）"), required=False)

    def clean(self):
        data = super().clean()
        lead, assisting = data.get("lead_unit"), data.get("assisting_units") or []
        if lead and lead in assisting:
            self.add_error("assisting_units", _("主办单位不能同时作为协办单位。"))
        return data


class TransferForm(UnitChoices, forms.Form):
    unit_fields = ("unit",)
    assignment = forms.IntegerField(widget=forms.HiddenInput)
    unit = forms.ModelChoiceField(label=_("转办给"), queryset=HandlingUnit.objects.filter(active=True))
    note = forms.CharField(label=_("说明"), required=False, max_length=300)


class DeadlineForm(forms.Form):
    assignment = forms.IntegerField(widget=forms.HiddenInput)
    deadline = forms.DateField(label=_("办理期限"), widget=DateInput)


class ReturnDecisionForm(UnitChoices, forms.Form):
    unit_fields = ("new_unit",)
    request = forms.IntegerField(widget=forms.HiddenInput)
    accept = forms.TypedChoiceField(label=_("处理"), choices=[("1", _("同意退回并转办")), ("0", _("不同意退回"))],
                                    coerce=lambda v: v == "1")
    new_unit = forms.ModelChoiceField(label=_("新的承办单位"), required=False,
                                      queryset=HandlingUnit.objects.filter(active=True))
    note = forms.CharField(label=_("处理意见"), required=False, max_length=300)


class SupervisionForm(forms.Form):
    kind = forms.ChoiceField(label=_("督办方式"), choices=SupervisionKind.choices)
    date = forms.DateField(label=_("日期"), widget=DateInput, initial=timezone.localdate)
    notes = forms.CharField(label=_("督办情况"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class FlagForm(forms.Form):
    key_supervision = forms.BooleanField(label=_("重点督办"), required=False)
    key_leader = forms.CharField(label=_("责任领导"), required=False, max_length=40)
    public = forms.BooleanField(label=_("公开办理结果"), required=False)
    follow_up = forms.BooleanField(label=_("跟踪办理"), required=False)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("说明"), required=False, max_length=500,
                           widget=forms.Textarea(attrs={"rows": 2}))


class ConsultationForm(forms.Form):
    date = forms.DateField(label=_("面商日期"), widget=DateInput, initial=timezone.localdate)
    way = forms.ChoiceField(label=_("方式"), choices=ConsultationWay.choices, widget=forms.RadioSelect)
    notes = forms.CharField(label=_("面商情况"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class ProgressForm(forms.Form):
    note = forms.CharField(label=_("办理进展"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class ViewForm(forms.Form):
    text = forms.CharField(label=_("协办意见"), widget=forms.Textarea(attrs={"rows": 5}), max_length=4000)


class ReturnRequestForm(forms.Form):
    reason = forms.CharField(label=_("退回理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)


class ReplyForm(forms.Form):
    reply_class = forms.ModelChoiceField(label=_("答复类别"), queryset=ReplyClass.objects.all(),
                                         widget=forms.RadioSelect)
    text = forms.CharField(label=_("答复内容"), widget=forms.Textarea(attrs={"rows": 10}), max_length=10000)
    pdf = forms.FileField(label=_("盖章答复函（PDF）"), help_text=_("只能上传 PDF，不超过 10 MB。"))


RATING_WIDGET = forms.RadioSelect


class EvaluationForm(forms.Form):
    leadership = forms.ChoiceField(label=_("领导重视"), choices=Rating.choices, widget=RATING_WIDGET)
    attitude = forms.ChoiceField(label=_("办理态度"), choices=Rating.choices, widget=RATING_WIDGET)
    communication = forms.ChoiceField(label=_("面商沟通"), choices=Rating.choices, widget=RATING_WIDGET)
    quality = forms.ChoiceField(label=_("答复质量"), choices=Rating.choices, widget=RATING_WIDGET)
    implementation = forms.ChoiceField(label=_("落实情况"), choices=Rating.choices, widget=RATING_WIDGET)
    overall = forms.ChoiceField(label=_("总体评价"), choices=Rating.choices, widget=RATING_WIDGET)
    reason = forms.CharField(label=_("意见或不满意理由"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self):
        data = super().clean()
        if "unsatisfied" in data.values() and not (data.get("reason") or "").strip():
            self.add_error("reason", _("评为不满意时必须填写理由。"))
        return data

    def ratings(self) -> dict[str, str]:
        return {k: self.cleaned_data[k] for k in ("leadership", "attitude", "communication", "quality",
                                                  "implementation")}
