from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from deputies.models import Deputy
from liaison.models import (
    ActivityKind,
    DeclineReason,
    DisputeStatus,
    ForwardLevel,
    Handling,
    LiaisonStation,
    ReceptionCategory,
)


class DateInput(forms.DateInput):
    input_type = "date"


class ReceptionForm(forms.Form):
    station = forms.ModelChoiceField(LiaisonStation.objects.none(), label=_("联络站"))
    date = forms.DateField(label=_("接待日期"), widget=DateInput)
    deputies = forms.ModelMultipleChoiceField(Deputy.objects.none(), label=_("接待代表"),
                                              widget=forms.CheckboxSelectMultiple)
    visitor_name = forms.CharField(label=_("来访人姓名"), max_length=30)
    visitor_phone = forms.CharField(label=_("来访人电话"), max_length=20, required=False,
                                    widget=forms.TextInput(attrs={"type": "tel"}))
    matter = forms.CharField(label=_("反映事项（来访人原话）"), widget=forms.Textarea)
    category = forms.ChoiceField(label=_("类别"), choices=ReceptionCategory.choices)
    handling = forms.ChoiceField(label=_("办理方式"), choices=Handling.choices, widget=forms.RadioSelect)
    reply = forms.CharField(label=_("答复或办理情况"), widget=forms.Textarea, required=False)
    forwarded_level = forms.ChoiceField(label=_("转交层级"), choices=[("", "—"), *ForwardLevel.choices],
                                        required=False)
    forwarded_to = forms.CharField(label=_("转交至"), max_length=60, required=False)
    decline_reason = forms.ChoiceField(label=_("不予受理原因"), choices=[("", "—"), *DeclineReason.choices],
                                       required=False)
    redirected_to = forms.CharField(label=_("已引导来访人至"), max_length=100, required=False)

    def __init__(self, *args, stations, deputies, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = stations
        self.fields["deputies"].queryset = deputies


class OwnActivityForm(forms.Form):
    kind = forms.ModelChoiceField(ActivityKind.objects.filter(active=True), label=_("活动类型"))
    title = forms.CharField(label=_("活动名称"), max_length=120, help_text=_("例如：走访慰问前何村困难群众"))
    date = forms.DateField(label=_("日期"), widget=DateInput, initial=timezone.localdate)
    place = forms.CharField(label=_("地点"), max_length=120)
    residents_count = forms.IntegerField(label=_("参加群众人数"), min_value=0, initial=0)
    summary = forms.CharField(label=_("活动情况"), widget=forms.Textarea, required=False, max_length=2000)


class DisputeMoveForm(forms.Form):
    to = forms.ChoiceField(label=_("改为"), choices=DisputeStatus.choices)
    on_date = forms.DateField(label=_("日期"), widget=DateInput, initial=timezone.localdate)
    result = forms.CharField(label=_("化解情况"), widget=forms.Textarea, required=False)
    referred_to = forms.CharField(label=_("移交单位"), max_length=60, required=False)
    note = forms.CharField(label=_("说明"), max_length=300, required=False)
