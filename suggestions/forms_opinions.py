"""Forms for residents' opinions: the public form, entry on a resident's behalf, inbox actions."""

from __future__ import annotations

import copy
import functools
from collections.abc import Iterator
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from deputies.models import ActivityGroup, Deputy, mobile_validator
from deputies.selectors import deputies_visible_to, groups_visible_to
from deputies.services import image_reencode
from deputywork.models import Region, RegionLevel, User
from suggestions.models import Category, Channel, HandlingUnit, Opinion, OpinionStatus, Rating
from suggestions.models.opinions import TRACKING_LENGTH, tracking_code_as_stored
from suggestions.services_opinions import MAX_PHOTOS, PHOTO_MAX_SIDE


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Up to MAX_PHOTOS images, each re-encoded; cleans to a list of JPEG bytes."""

    widget = MultiplePhotoInput

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)
        self.widget.attrs.update({"accept": "image/*", "multiple": True})

    def clean(self, data: Any, initial: Any = None) -> list[bytes]:
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > MAX_PHOTOS:
            raise ValidationError(f"最多上传{MAX_PHOTOS}张照片。")
        return [image_reencode(upload=f, max_side=PHOTO_MAX_SIDE).read() for f in files]


class CopyingChoiceIterator(ModelChoiceIterator):
    """Lists the choices from a copy of the field's queryset, never from the queryset itself.

    Django's iterator runs the field's own queryset, and compiling a query touches its join
    counts: fine for a field each form copies, not for one that forms share across threads
    (OpinionForm), where two renders at once could write broken SQL.
    """

    def __iter__(self) -> Iterator[Any]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset.all().iterator():
            yield self.choice(obj)


class SharedModelChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField that forms may share: its queryset is only ever copied."""

    iterator = CopyingChoiceIterator


class VillageChoiceField(SharedModelChoiceField):
    def label_from_instance(self, obj: Region) -> str:
        return f"{obj.parent.name} {obj.name}" if obj.parent_id else obj.name


class OpinionForm(forms.Form):
    """What a resident fills in after scanning a QR code.

    Every form of this class shares its field objects, where Django gives each form deep copies:
    copying ten fields with their widgets was a fifth of the Python of a resident's submit. So
    nothing may change a field of a form of this class; the villages of a township come as a
    place field of their own, made once (`_village_field`), and the choice fields list their
    choices from copies of their querysets (CopyingChoiceIterator). OpinionEntryForm, which
    changes labels, copies its fields as usual.
    """

    content = forms.CharField(
        label=_("反映的问题"), min_length=10, max_length=2000, strip=True,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": 2000,
                                     "placeholder": _("请写清楚什么问题、在哪里、持续多久（10至2000字）")}),
        error_messages={"required": _("请填写反映的问题。"),
                        "min_length": _("请至少写10个字，把问题说清楚。"),
                        "max_length": _("内容太长了：最多2000字。")},
    )
    category = SharedModelChoiceField(label=_("类别"), queryset=Category.objects.filter(active=True),
                                      required=False, empty_label=_("（不确定可不选）"))
    # Its villages are set per form (the recipient's township), so none are copied along with the field.
    place = VillageChoiceField(label=_("所在村（社区）"), queryset=None, required=False,
                               empty_label=_("（请选择）"))
    place_detail = forms.CharField(label=_("具体位置"), max_length=100, required=False,
                                   widget=forms.TextInput(attrs={"placeholder": _("如：北关村东头桥边")}))
    photos = MultiplePhotoField(label=_("照片（可选，最多3张，每张不超过5MB）"))
    resident_name = forms.CharField(label=_("您的称呼（可不填）"), max_length=30, required=False)
    resident_phone = forms.CharField(label=_("手机号码（可不填）"), max_length=11, required=False,
                                     validators=[mobile_validator],
                                     widget=forms.TextInput(attrs={"type": "tel", "inputmode": "numeric",
                                                                   "autocomplete": "tel"}))
    callback_ok = forms.BooleanField(label=_("同意代表或工作人员电话回访"), required=False)
    consent = forms.BooleanField(
        label=_("我同意平台为办理本意见使用我填写的信息，不对外公开"),
        error_messages={"required": _("请勾选同意后再提交。")},
    )
    # The honeypot: hidden from people by CSS, filled in by bots that fill every field.
    website = forms.CharField(label=_("网址（请勿填写）"), required=False,
                              widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}))

    def __init__(self, *args: Any, region: Region | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["place"] = _village_field(region.prefix if region is not None else "")

    def _clean_fields(self) -> None:
        """Django's own loop (Django 5.2), without making a BoundField for each field to read its value.

        Making the ten BoundFields was 20 of the 50 µs this form takes to clean a resident's
        submit; rendering the form again after an error makes them as usual. A test holds the
        result and the errors to Django's own loop.
        """
        for name, field in self.fields.items():
            is_file = isinstance(field, forms.FileField)
            initial = self.get_initial_for_field(field, name) if is_file or field.disabled else None
            if field.disabled:
                value = initial
            else:
                value = field.widget.value_from_datadict(self.data, self.files, self.add_prefix(name))
            try:
                value = field.clean(value, initial) if is_file else field.clean(value)
                self.cleaned_data[name] = value
                if hasattr(self, f"clean_{name}"):
                    self.cleaned_data[name] = getattr(self, f"clean_{name}")()
            except ValidationError as e:
                self.add_error(name, e)

    def clean_resident_phone(self) -> str:
        return "".join(self.cleaned_data.get("resident_phone", "").split())

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("callback_ok") and not data.get("resident_phone"):
            self.add_error("resident_phone", _("同意回访请留下手机号码。"))
        return data

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website"))


class _SharedFields(dict):
    """A form class's fields that each form shares instead of copying them (see OpinionForm)."""

    def __deepcopy__(self, memo: dict) -> dict:
        return dict(self)


# Not inherited: a subclass's fields are a plain dict again, copied per form as Django does.
OpinionForm.base_fields = _SharedFields(OpinionForm.base_fields)


@functools.lru_cache(maxsize=512)
def _village_field(prefix: str) -> VillageChoiceField:
    """The place field offering the villages and communities under a township's (or a county's)
    code prefix, every one for "": made once per prefix and shared by the forms (see OpinionForm)."""
    villages = Region.objects.filter(level=RegionLevel.VILLAGE).select_related("parent").order_by("code")
    field = copy.deepcopy(OpinionForm.declared_fields["place"])
    field.queryset = villages.filter(code__startswith=prefix) if prefix else villages
    return field


class OpinionEntryForm(OpinionForm):
    """A deputy or staff member enters an opinion on a resident's behalf.

    Staff choose the deputy or group from those in their scope (`user`): a township clerk
    enters for their own township's deputies and groups only.
    """

    channel = forms.ChoiceField(label=_("来源渠道"), choices=[c for c in Channel.choices if c[0] != Channel.QR])
    deputy = forms.ModelChoiceField(label=_("反映给代表"), queryset=Deputy.objects.none(), required=False)
    group = forms.ModelChoiceField(label=_("反映给活动小组"), queryset=ActivityGroup.objects.none(), required=False)

    def __init__(self, *args: Any, choose_target: bool = True, user: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if choose_target:
            if user is None:
                raise TypeError("choosing a deputy or group needs the user whose scope limits the choices")
            self.fields["deputy"].queryset = deputies_visible_to(user)
            self.fields["group"].queryset = groups_visible_to(user).filter(active=True)
        del self.fields["website"]
        self.fields["consent"].label = _("群众已同意平台为办理本意见使用其信息")
        self.fields["resident_name"].label = _("群众姓名")
        self.fields["resident_phone"].label = _("群众手机号码")
        if not choose_target:
            del self.fields["deputy"], self.fields["group"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if "deputy" in self.fields and not (data.get("deputy") or data.get("group")):
            raise ValidationError(_("请选择反映给哪位代表或哪个活动小组。"))
        return data

    @property
    def is_bot(self) -> bool:
        return False


class TrackLookupForm(forms.Form):
    code = forms.CharField(label=_("查询码"), max_length=20)

    def clean_code(self) -> str:
        """The code as stored (spaces and case forgiven), if an opinion has it: a code misread
        over the phone gets the form again with a message, not a page that is not there."""
        code = tracking_code_as_stored(self.cleaned_data["code"])
        if not Opinion.objects.filter(tracking_code=code).exists():
            raise ValidationError(_("没有找到这个查询码。请核对后重新输入：查询码共%(length)d位，由字母和数字组成。")
                                  % {"length": TRACKING_LENGTH})
        return code


class RatingForm(forms.Form):
    rating = forms.ChoiceField(label=_("您对答复满意吗？"), choices=Rating.choices, widget=forms.RadioSelect,
                               required=False)
    remark = forms.CharField(label=_("补充意见（可不填，只能提交一次）"), max_length=500, required=False,
                             widget=forms.Textarea(attrs={"rows": 3, "maxlength": 500}))


class NoteForm(forms.Form):
    note = forms.CharField(label=_("说明（可不填）"), max_length=500, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class AnswerForm(forms.Form):
    public_reply = forms.CharField(label=_("答复内容（群众可以看到）"), max_length=2000,
                                   widget=forms.Textarea(attrs={"rows": 4}))


class UnitChoices:
    """A form whose unit pickers (`unit_fields`) list `units` when given (see `units_serving`)."""

    unit_fields: tuple[str, ...] = ()

    def __init__(self, *args, units: QuerySet | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if units is not None:
            for name in self.unit_fields:
                self.fields[name].queryset = units


class ForwardForm(UnitChoices, forms.Form):
    unit_fields = ("unit",)
    unit = forms.ModelChoiceField(label=_("转交单位"), queryset=HandlingUnit.objects.filter(active=True))
    working_days = forms.IntegerField(label=_("办理期限（工作日）"), min_value=1, max_value=60, initial=5)
    note = forms.CharField(label=_("说明（可不填）"), max_length=500, required=False)


class DeclineForm(forms.Form):
    decline_reason = forms.CharField(label=_("不予受理理由（群众可以看到）"), max_length=300,
                                     widget=forms.Textarea(attrs={"rows": 3}))


class ReassignForm(forms.Form):
    """Staff send an opinion to another deputy with a login, among the deputies in their scope."""

    deputy = forms.ModelChoiceField(label=_("改派给代表"), queryset=Deputy.objects.none())
    note = forms.CharField(label=_("说明（可不填）"), max_length=200, required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["deputy"].queryset = deputies_visible_to(user).filter(user__isnull=False)


class StaffFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("状态"), required=False)
    overdue = forms.BooleanField(label=_("仅看逾期"), required=False)
    q = forms.CharField(label=_("查询码或内容"), required=False, max_length=50)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("全部状态")), *OpinionStatus.choices]
