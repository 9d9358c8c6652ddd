"""Translated names of the report's parts and of the builder's warnings."""

from flask_babel import lazy_gettext as _l

PART_LABELS = {
    "opening": _l("Opening paragraph"),
    "measures": _l("Part 1: measures and results"),
    "shortcomings": _l("Part 2: shortcomings and their causes"),
    "principal": _l("Part 3: the principal leader's duties"),
    "arrangements": _l("Part 4: next year's arrangements"),
    "other": _l("Part 5: other matters"),
}

#: The builder's warning codes and what the page says about them.
WARNING_MESSAGES = {
    "no_result_statement": _l(
        "A done task has no result statement (成效); its title stands in for it."
    ),
    "thin_result_statement": _l(
        "A done task's result statement only says it is done; its title stands in for it: "
        "ask the unit what was achieved."
    ),
    "section_without_results": _l(
        "No task of the section “%(section)s” is done yet: the section is left out of part 1."
    ),
    "no_done_tasks": _l("No task of the plan is done yet."),
    "write_causes": _l(
        "Nothing in the data fell short: write the shortcomings and their causes yourself."
    ),
    "causes_missing": _l(
        "%(count)s tasks fell behind with no cause stated: ask their units to state why on the "
        "task page, so that part 2 can name the causes."
    ),
    "unsourced_figures": _l(
        "Figures in the text that no ledger record backs: %(figures)s. Enter them in the ledger "
        "(e.g. as metrics) or check the numbers."
    ),
    "no_next_plan": _l(
        "There is no plan for %(year)s yet: create it (a draft is enough) or write this part."
    ),
    "next_plan_empty": _l("Next year's plan “%(title)s” has no tasks yet."),
    "no_principal_duties": _l(
        "No principal-duty task is done and no session chaired by the principal leader is recorded."
    ),
    "principal_duties_open": _l("Some of the principal leader's duties are not done yet."),
    "data_changed": _l(
        "The data changed since this part was edited: compare the generated text and update yours."
    ),
    "placeholder": _l("This part still has text to fill in (marked 【待补充】)."),
}


def warning_message(warning) -> str:
    message = WARNING_MESSAGES.get(warning.code)
    if message is None:
        return warning.code
    return str(message) % warning.params if warning.params else str(message)
