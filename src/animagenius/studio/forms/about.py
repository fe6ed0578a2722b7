"""The person's own words about their files: one field for the new-video form and the form that drafts the
script again; the pipeline's check gives the message."""

from __future__ import annotations

from django import forms

from animagenius.pipeline.errors import InvalidOption
from animagenius.pipeline.script.about import MAX_ABOUT_CHARS, about_check

ABOUT_HELP = (
    "Optional, and narrated first. Photos and silent clips have no words of their own: say in a sentence "
    "or two what they show (or what a recording is about), as you would say it aloud."
)


def about_field() -> forms.CharField:
    """The person's own words about their files; the pipeline's check gives the message if too long."""
    return forms.CharField(
        required=False,
        label="About these files",
        help_text=ABOUT_HELP,
        strip=False,
        widget=forms.Textarea(
            attrs={
                "rows": 3,
                "maxlength": MAX_ABOUT_CHARS,
                "placeholder": "Our garden in May: the first roses opened after a week of rain.",
            }
        ),
    )


def about_clean(value: str | None) -> str:
    try:
        return about_check(value or "")
    except InvalidOption as error:
        raise forms.ValidationError(f"{str(error)[:1].upper()}{str(error)[1:]}.") from error


class AboutForm(forms.Form):
    """The text about the files, changed where the script is written again (a failed or cancelled draft)."""

    about = about_field()

    def clean_about(self) -> str:
        return about_clean(self.cleaned_data.get("about"))
