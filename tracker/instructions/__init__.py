"""Amendment instructions as data: each AMDPAR of a Federal Register rule, structured (a parse-level module: the
text a rule prints is keyed by :mod:`tracker.parse`, lists carried and parties named as it does; nothing from
fetch, the store or above).

>>> xml = '''<RULE><FRDOC>[FR Doc. 2024–07004 Filed 3–29–24]</FRDOC><REGTEXT TITLE="15" PART="740">
... <AMDPAR>3. Section 740.2 is amended by revising paragraph (a)(8)(i) to read as follows:</AMDPAR>
... <SECTION><SECTNO>§ 740.2</SECTNO><P>(a) * * *</P><P>(8) * * *</P><P>(i) New text.</P></SECTION>
... </REGTEXT></RULE>'''.encode()
>>> [(i.document_number, i.part, i.index, i.action, i.targets, i.new_text) for i in parse_instructions(xml)]
[('2024-07004', '740', 1, 'revise', ('740.2(a)(8)(i)',), (('740.2(a)(8)(i)', '(i) New text.'),))]
"""

from tracker.instructions.document import document_number, instructions_in, parse_instructions
from tracker.instructions.types import Instruction, InstructionAction

__all__ = ["Instruction", "InstructionAction", "document_number", "instructions_in", "parse_instructions"]
