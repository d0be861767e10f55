"""The catalogues shipped with the DC-3 (HR edits them in the admin afterwards).

* Áreas temáticas of the STPS (the DC-3's "área temática del curso").
* The top-level areas of the Catálogo Nacional de Ocupaciones used by the DC-3's
  annex (11 areas, two-digit codes). The full catalogue (sub-areas and specific
  occupations) is not shipped: HR adds the codes they use.
"""

THEMATIC_AREAS = (
    ("1000", "Producción general"),
    ("2000", "Servicios"),
    ("3000", "Administración, contabilidad y economía"),
    ("4000", "Comercialización"),
    ("5000", "Mantenimiento y reparación"),
    ("6000", "Seguridad"),
    ("7000", "Desarrollo personal y familiar"),
    ("8000", "Uso de tecnologías de la información y comunicación"),
    ("9000", "Participación social"),
)

OCCUPATION_AREAS = (
    ("01", "Cultivo, crianza y aprovechamiento"),
    ("02", "Extracción y suministro"),
    ("03", "Construcción"),
    ("04", "Tecnología"),
    ("05", "Procesamiento y fabricación"),
    ("06", "Transporte"),
    ("07", "Provisión de bienes y servicios"),
    ("08", "Gestión y soporte administrativo"),
    ("09", "Salud y protección social"),
    ("10", "Comunicación"),
    ("11", "Desarrollo y extensión del conocimiento"),
)


def load_catalogues(thematic_area_model, occupation_model) -> None:
    """Add the shipped entries that are missing (an edited name is kept)."""
    for code, name in THEMATIC_AREAS:
        thematic_area_model.objects.get_or_create(code=code, defaults={"name": name})
    for code, name in OCCUPATION_AREAS:
        occupation_model.objects.get_or_create(code=code, defaults={"name": name})
