"""Signals courses send to the apps above them (which connect receivers in their
``AppConfig.ready()``): courses must not import them."""

from django.dispatch import Signal

# A learner completed a lesson. Sent once the transaction commits; keyword
# arguments ``user`` and ``lesson``.
lesson_completed = Signal()
