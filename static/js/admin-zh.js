'use strict';
// Chinese for the admin's two-box picker (单位账号, 活动小组 …): strings that Django's own
// zh_Hans catalog lacks. Loaded ahead of the admin's catalog, which keeps these keys.
{
  const django = globalThis.django || (globalThis.django = {});
  django.catalog = Object.assign(django.catalog || {}, {
    '(click to clear)': '（点击清除）',
    'Choose %s by selecting them and then select the "Choose" arrow button.': '选中%s，再点向右的箭头加入。',
    'Choose all %s': '全部选择%s',
    'Choose selected %s': '选择选中的%s',
    'Remove %s by selecting them and then select the "Remove" arrow button.': '选中%s，再点向左的箭头移出。',
    'Remove all %s': '全部移出%s',
    'Remove selected %s': '移出选中的%s',
  });
}
