"""Template helpers for the cases pages."""

from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: Any, key: str) -> Any:
    """``{{ services|get_item:code }}``: look a key up in a mapping (None when absent)."""
    return mapping.get(key) if hasattr(mapping, "get") else None



# --- the case page's forms ----------------------------------------------------------------
# The case page shows up to twelve empty forms (consent, referral, risk, …) on every view;
# rendering their forty-odd widgets through templates was about a third of the page's CPU
# (issue 16). An empty form's HTML is a function of its class, prefix and language and of
# each field's initial value and choices, so it is rendered once per process for each such
# combination and reused; a bound form (shown again with its errors) is always rendered.

_FORM_TEMPLATE = "cases/_form.html"
_RENDERED: dict[tuple[Any, ...], str] = {}
_RENDERED_MAX = 256


def _plain(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return tuple(_plain(v) for v in value)
    return str(value)


def _form_key(form: Any) -> tuple[Any, ...]:
    from django.utils.translation import get_language

    fields = []
    for name, field in form.fields.items():
        # Labels and help texts too: some are set in a form's __init__ from the loaded
        # legal-test and referral data, which can change while the process runs.
        fields.append((name, _plain(form[name].value()), str(field.label), str(field.help_text),
                       _plain(list(getattr(field, "choices", ()))), field.required,
                       field.disabled, _plain(sorted(field.widget.attrs.items()))))
    return (type(form).__module__, type(form).__qualname__, form.prefix, get_language(),
            str(form.auto_id), str(form.label_suffix), tuple(fields))


@register.simple_tag
def form_fields(form: Any) -> str:
    """``{% form_fields form %}``: what ``{% include "cases/_form.html" with form=form %}``
    renders, an empty form's HTML reused from the last identical rendering."""
    from django.template.loader import get_template
    from django.utils.safestring import mark_safe

    if form.is_bound:
        return mark_safe(get_template(_FORM_TEMPLATE).render({"form": form}))  # noqa: S308
    key = _form_key(form)
    html = _RENDERED.get(key)
    if html is None:
        html = get_template(_FORM_TEMPLATE).render({"form": form})
        if len(_RENDERED) >= _RENDERED_MAX:
            _RENDERED.clear()
        _RENDERED[key] = html
    return mark_safe(html)  # noqa: S308
