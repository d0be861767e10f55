"""Signals assessments send to the apps above them (which connect receivers in
their ``AppConfig.ready()``): assessments must not import them."""

from django.dispatch import Signal

# An attempt was submitted and graded (by the learner, or finalised when its
# time ran out). Sent once the transaction commits, never for a rolled-back
# submit, by a task (``announce``); keyword argument ``attempt``.
attempt_finalised = Signal()
