"""Who may see what in the course tree: one place for every check."""

from django.core.exceptions import PermissionDenied

from accounts import roles

_TRAINER_MODULE_ACCESS = "_atiende_trainer_module_access"


def can_see_trainer_content(user) -> bool:
    """Trainers and HR, and the candidates a lead trainer opened the modules
    for trainers to (``TrainerModuleAccess``)."""
    if roles.is_trainer(user) or roles.is_hr(user):
        return True
    if not user.is_authenticated:
        return False
    cached = getattr(user, _TRAINER_MODULE_ACCESS, None)
    if cached is None:
        from .models import TrainerModuleAccess

        cached = TrainerModuleAccess.objects.filter(user=user).exists()
        trainer_module_access_known(user, cached)
    return cached


def trainer_module_access_unknown(user) -> bool:
    """Whether can_see_trainer_content would still query ``TrainerModuleAccess``
    for this user in this request; a selector that reads it in passing (in a
    query it makes anyway) tells trainer_module_access_known."""
    return (
        user.is_authenticated
        and not (roles.is_trainer(user) or roles.is_hr(user))
        and getattr(user, _TRAINER_MODULE_ACCESS, None) is None
    )


def trainer_module_access_known(user, granted: bool) -> None:
    setattr(user, _TRAINER_MODULE_ACCESS, granted)


def require_module_visible(user, module) -> None:
    """Modules for trainers are hidden from learners (403, not a silent redirect)."""
    if module.for_trainers and not can_see_trainer_content(user):
        raise PermissionDenied


def lessons_visible_to(user, lessons):
    """Filter a LessonPage queryset down to the lessons the user may open: those of
    modules for trainers are left out for everyone but trainers and HR."""
    if can_see_trainer_content(user):
        return lessons
    from .models import ModulePage

    hidden = ModulePage.objects.filter(audience=ModulePage.Audience.TRAINERS)
    for path in hidden.values_list("path", flat=True):
        lessons = lessons.exclude(path__startswith=path)
    return lessons


def can_see_coverage(user) -> bool:
    """The coverage report is a trainer's authoring tool."""
    return roles.is_trainer(user)


def require_coverage_access(user) -> None:
    if not can_see_coverage(user):
        raise PermissionDenied
