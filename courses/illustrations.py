"""The fixed set of illustrations a lesson can show: line drawings made for this
course and kept as SVG files in site/static/illustrations/.

A fixed set (not uploads) because they are part of the course itself: reviewed
with the content, versioned with it and identical on every installation. Trainers
pick one by name in the ``illustrations`` block and write its alt text there.
"""

from django.utils.translation import gettext_lazy as _

STATIC_FOLDER = "illustrations"

# name -> what the drawing shows, for the editor's drop-down.
ILLUSTRATIONS = {
    "postura-abierta": _("Postura abierta: de pie, erguida y de frente"),
    "brazos-cruzados": _("Postura: brazos cruzados sobre el pecho"),
    "recargado-en-mostrador": _("Postura: recargado en el mostrador"),
    "cabeza-en-las-manos": _("Postura: la cabeza apoyada en las manos"),
    "manos-en-los-bolsillos": _("Postura: manos en los bolsillos, hombros caídos"),
    "gesto-asentir": _("Gesto: asentir con la cabeza"),
    "gesto-barbilla": _("Gesto: acariciarse la barbilla"),
    "gesto-tamborilear": _("Gesto: tamborilear con los dedos"),
    "gesto-tocarse-la-nariz": _("Gesto: tocarse ligeramente la nariz"),
    "rostro-interes": _("Rostro: interés"),
    "rostro-aburrimiento": _("Rostro: aburrimiento"),
    "rostro-incredulidad": _("Rostro: incredulidad (mirar hacia abajo)"),
    "rostro-enojo": _("Rostro: enojo (ceño fruncido)"),
    "rostro-satisfaccion": _("Rostro: satisfacción (sonrisa)"),
    "area-lista": _("Área de atención lista"),
    "area-no-lista": _("Área de atención descuidada"),
}


def static_path(name: str) -> str:
    return f"{STATIC_FOLDER}/{name}.svg"


def choices() -> list[tuple[str, str]]:
    return list(ILLUSTRATIONS.items())
