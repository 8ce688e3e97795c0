"""A country's respondents as the command line prints them: the answers side by side per question (the
spread, ties marked for a decision, the decisions taken), and a consensus diagnosis with the reasons that
cite the spread."""

from __future__ import annotations

from typing import Any

from cer.content import Content
from cer.services.consensus import ConsensusDiagnosis, QuestionSide, SideBySide
from cer.views.i18n import say, say_n
from cer.views.public_respondents import ConsensusDiagnosisPublic, ConsensusPublic, citations
from cer.views.render_spread import answer_words, said_spread


def shown_json(shown: SideBySide | ConsensusDiagnosis, country: str, content: Content) -> Any:
    if isinstance(shown, ConsensusDiagnosis):
        return ConsensusDiagnosisPublic.of(shown, content)
    return ConsensusPublic.of(country, shown, content)


def shown_text(shown: SideBySide | ConsensusDiagnosis, country: str, content: Content) -> str:
    if isinstance(shown, ConsensusDiagnosis):
        return diagnosed_text(shown, content)
    return side_by_side_text(shown, country, content)


def side_by_side_text(seen: SideBySide, country: str, content: Content) -> str:
    if seen.round is None:
        return say("Nobody has answered for %(country)s yet.", country=country) + "\n"
    labels = ", ".join(r.label for r in seen.respondents)
    lines = [
        say(
            "%(country)s, round %(number)s (%(status)s): %(count)s respondents: %(labels)s",
            country=country,
            number=seen.round.number,
            status=seen.round.status,
            count=len(seen.respondents),
            labels=labels,
        )  # fmt: skip
    ]
    lines += [_question(q, seen.word, content) for q in seen.questions if q.spread.given or q.decision]
    if seen.consensus.undecided:
        lines.append(say("Ties to decide: %(questions)s", questions=", ".join(seen.consensus.undecided)))
        lines.append(say("Decide with: cer respondents %(country)s --decide QUESTION=ANSWER --why \"…\"",
                         country=country))  # fmt: skip
    return "\n".join(lines) + "\n"


def _question(q: QuestionSide, word: str, content: Content) -> str:
    s = q.spread
    if s.agreement and q.decision is None:
        agreed = say_n("%(num)s answered: %(answer)s", "all %(num)s agree: %(answer)s", s.answered,
                       answer=answer_words(content, s.question, q.chosen))  # fmt: skip
        return f"  {s.question}  {agreed}"
    if q.decision is not None:
        why = f" — {q.decision.why}" if q.decision.why else ""
        mark = say("decided %(value)s by %(who)s", value=_value(q.decision.value), who=q.decision.decided_by)
        mark += why
    elif s.tie:
        mark = say("TIE: decide")
    else:
        mark = say("majority: %(value)s", value=_value(q.chosen))
    said = "  ·  ".join(f"{answer_words(content, s.question, v)}: {', '.join(s.who(v))}" for v, _ in s.counts)
    return f"  {s.question}  {said_spread(s, word, content)}  → {mark}\n      {said}"


def _value(value: Any) -> str:
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)


def diagnosed_text(done: ConsensusDiagnosis, content: Content) -> str:
    d = done.report.diagnosis
    lines = [
        say(
            "Diagnosis %(id)s of the consensus stored for %(country)s.",
            id=done.row.id,
            country=done.report.country.code,
        ),  # fmt: skip
        say("Workstreams selected: %(codes)s", codes=", ".join(d.selected) or "-"),
    ]
    lines += [f"  {about}: {text}" for about, text in citations(done, content)]
    return "\n".join(lines) + "\n"
