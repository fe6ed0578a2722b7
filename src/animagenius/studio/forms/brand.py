"""The person's brand kit: accent colour, slide typeface and logo, each checked by the pipeline."""

from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import UploadedFile

from animagenius.pipeline.errors import InputError
from animagenius.pipeline.visuals.brand import colour_parse, font_check, logo_check
from animagenius.studio.uploads import upload_problem


class BrandKitForm(forms.Form):
    accent = forms.CharField(
        required=False,
        max_length=7,
        label="Accent colour",
        help_text="Rules, bullets, table headers and the first chart colour. Leave empty for the theme's.",
        widget=forms.TextInput(attrs={"placeholder": "#2563eb", "pattern": "#?[0-9a-fA-F]{6}"}),
    )
    font = forms.FileField(
        required=False,
        label="Slide typeface",
        help_text="A .ttf or .otf font for the slides' text (captions stay in Inter).",
        widget=forms.ClearableFileInput(attrs={"accept": ".ttf,.otf"}),
    )
    remove_font = forms.BooleanField(required=False, label="Use Inter again")
    logo = forms.FileField(
        required=False,
        label="Logo",
        help_text="PNG (transparent is best), JPEG or WebP; shown in the top right corner of your videos.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )
    remove_logo = forms.BooleanField(required=False, label="Remove the logo")

    def clean_accent(self) -> str:
        accent = (self.cleaned_data.get("accent") or "").strip()
        if not accent:
            return ""
        try:
            red, green, blue = colour_parse(accent)
        except InputError as error:
            raise forms.ValidationError(str(error)) from None
        return f"#{red:02x}{green:02x}{blue:02x}"

    def clean_font(self) -> UploadedFile | None:
        upload: UploadedFile | None = self.cleaned_data.get("font") or None
        if upload is not None and (problem := upload_problem(upload, font_check)):
            raise forms.ValidationError(problem)
        return upload

    def clean_logo(self) -> UploadedFile | None:
        upload: UploadedFile | None = self.cleaned_data.get("logo") or None
        if upload is not None and (problem := upload_problem(upload, logo_check)):
            raise forms.ValidationError(problem)
        return upload
