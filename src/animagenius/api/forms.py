from django import forms


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        label="Name",
        help_text="What will use it, e.g. “build server”; shown only to you.",
        widget=forms.TextInput(attrs={"placeholder": "build server"}),
    )
