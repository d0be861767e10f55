"""The type-specific content of a question, as a one-block StreamField: the block's
type is the question's type, and each block validates the rules of its type.

The blocks are those of the registered question types (assessments/question_types),
so a registered type appears in the editor; each type's module defines its block.
"""

from wagtail import blocks

from .question_types import registry


class QuestionContentBlock(blocks.StreamBlock):
    """One block, of any registered question type."""

    class Meta:
        min_num = 1
        max_num = 1

    @property
    def child_blocks(self):
        return {qtype.name: qtype.stream_child for qtype in registry.all()}

    @child_blocks.setter
    def child_blocks(self, value):
        # StreamBlock.__init__ sets the declared blocks; ours come from the
        # registry, read on every use.
        pass
