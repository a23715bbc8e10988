"""What the customer said that a reply must not ignore: repeat contact, threats, deadlines (rubric `specifics:`).

Each specific has `said` cues found in the customer's message and `ack` cues that show the reply took
it in. A generic reply that would fit any customer ("理解您的心情,我们会处理") acknowledges none.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core.text.squeeze import squeeze
from app.core.training.rubric import Scoring, Specific
from app.core.training.sentences import Sentence, cue_hit, sentences, short


@dataclass(frozen=True)
class Said:
    """A specific found in the customer's message, with the cue and the clause that said it."""

    specific: Specific
    cue: str
    clause: str


def said_in(message: str, scoring: Scoring) -> list[Said]:
    """The specifics of the rubric that the customer's message contains, in rubric order."""
    found = []
    parts = sentences(message)
    for specific in scoring.specifics:
        for s in parts:
            cue = cue_hit(s, specific.said, scoring.negations)
            if cue:
                found.append(Said(specific, cue, _clause(s.text, cue)))
                break
    return found


def acknowledged(said: Said, reply: list[Sentence], tainted: set[int], scoring: Scoring) -> str:
    """The reply's cue acknowledging `said` ('' when the reply ignores it); sentences with errors do not count."""
    for i, s in enumerate(reply):
        if i in tainted:
            continue
        cue = cue_hit(s, said.specific.ack, scoring.negations)
        if cue:
            return cue
    return ""


def _clause(sentence: str, cue: str) -> str:
    """The part of the customer's sentence around the cue (between commas), for quoting back."""
    for part in sentence.replace(",", "，").split("，"):
        if squeeze(cue) in squeeze(part):
            return short(part.strip(" ，,。!！?？"), 24)
    return short(sentence, 24)
