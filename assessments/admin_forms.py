"""Forms of the trainers' admin screens."""

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from standards.models import Criterion

from . import gift

GIFT_EXTENSIONS = (".gift", ".txt")
# Bytes that never appear in a text file: a NUL or most C0 controls mean binary.
_BINARY_BYTES = frozenset(range(0, 9)) | (frozenset(range(14, 32)) - {27})


class CriterionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        where = "/".join(
            part
            for part in (obj.standard.code, obj.element and obj.element.code)
            if part
        )
        return f"{where}/{obj.code} — {Truncator(obj.text).chars(70)}"


class GiftImportForm(forms.Form):
    """A GIFT file: .gift or .txt, UTF-8, at most ``gift.MAX_BYTES``, and the
    import's options. The form turns the file into text (``gift_text``); the
    import service reads the text."""

    gift_text = ""

    gift_file = forms.FileField(
        label=_("Archivo GIFT"),
        help_text=_(
            "Un archivo .gift o .txt en UTF-8 de hasta %(size)s. Cada error se "
            "muestra con la línea donde empieza su pregunta."
        )
        % {"size": filesizeformat(gift.MAX_BYTES)},
    )
    default_criterion = CriterionChoiceField(
        queryset=Criterion.objects.select_related("standard", "element").order_by(
            "standard__code", "element__order", "order", "code"
        ),
        required=False,
        label=_("Criterio para las preguntas sin criterio"),
        empty_label=_("Ninguno: una pregunta sin criterio es un error"),
        help_text=_(
            "Se asigna a las preguntas que no dicen su criterio (ni con "
            "«criterion=» ni con el último segmento de «$CATEGORY:»), como las de "
            "un archivo exportado de Moodle."
        ),
    )
    skip_invalid = forms.BooleanField(
        required=False,
        label=_("Importar las válidas y omitir las demás"),
        help_text=_(
            "Sin marcar, si el archivo tiene algún error no se guarda nada. "
            "Marcada, se guardan las preguntas válidas y se listan las omitidas, "
            "cada una con su línea y el motivo."
        ),
    )

    def clean_gift_file(self):
        upload = self.cleaned_data["gift_file"]
        name = (upload.name or "").lower()
        if not name.endswith(GIFT_EXTENSIONS):
            raise forms.ValidationError(
                _("Sube un archivo con extensión .gift o .txt."), code="extension"
            )
        if upload.size > gift.MAX_BYTES:
            raise forms.ValidationError(
                _("El archivo pesa %(size)s; el máximo es %(max)s.")
                % {
                    "size": filesizeformat(upload.size),
                    "max": filesizeformat(gift.MAX_BYTES),
                },
                code="size",
            )
        data = upload.read(gift.MAX_BYTES + 1)
        if len(data) > gift.MAX_BYTES:
            raise forms.ValidationError(
                _("El archivo supera el máximo de %(max)s.")
                % {"max": filesizeformat(gift.MAX_BYTES)},
                code="size",
            )
        if not data.strip():
            raise forms.ValidationError(_("El archivo está vacío."), code="empty")
        if any(byte in _BINARY_BYTES for byte in data[:8192]):
            raise forms.ValidationError(
                _("El archivo no es de texto: sube un archivo GIFT (.gift o .txt)."),
                code="binary",
            )
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            raise forms.ValidationError(
                _(
                    "El archivo no está en UTF-8 (línea %(line)s). Guárdalo como "
                    "«UTF-8» en tu editor y vuelve a subirlo."
                )
                % {"line": line},
                code="encoding",
            ) from error
        self.gift_text = text
        return upload
