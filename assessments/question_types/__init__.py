"""One class per question type, in a registry.

Everything a question type decides lives in its module here: its StreamField
block, the payload a question version freezes, the answer key it is graded with
(the scoring rules themselves stay pure in ``assessments/grading.py``), the order
a learner sees its parts in, the learner's widget (a template) and how a posted
answer is read back, how answers read in the review, the item statistics'
options, its GIFT mapping, and the demo and example answers. Nothing outside
these modules branches on a type's name.

Adding a type: a module with a ``QuestionType`` subclass decorated with
``registry.register`` (imported at start-up, e.g. from here) and its widget
Jinja2 template ``assessments/question_types/<name>.html`` (under
``assessments/jinja2/``). See ``base.QuestionType``
for what a type provides.
"""

from importlib import import_module

from . import registry
from .base import QuestionForm, QuestionType

# The built-in types register themselves on import, in this order: the order of
# the editor's block menu and of the StreamField's migration state.
BUILT_IN = (
    "single_choice",
    "multiple_response",
    "true_false",
    "matching",
    "ordering",
    "situational",
    "short_answer",
    "numerical",
)
for _module in BUILT_IN:
    import_module(f"{__name__}.{_module}")

__all__ = ["BUILT_IN", "QuestionForm", "QuestionType", "registry"]
