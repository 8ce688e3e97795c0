"""The website's pages, one module per area, each with its `router`: a route parses its input, calls one
service and renders a template (helpers beside it shape what the template shows).

browse: the toolkit's sections · account: signing in and out, one's API tokens · diagnose: the questionnaire
(answer_form: the form made from the content) · drafts: saved answers · diagnoses: a diagnosis' result, its
overrides, the plan made from it · portfolio: the countries and their progress together · plan: a country's
plan · tasks: one task, its inline status form, its planning form · custom_tasks: adding a task of one's
own · my_work: "My tasks" and "My agency" · timeline · history · exports: the plan as files · reports:
progress reports · feeds: calendar subscriptions · plan_import: a plan kept elsewhere, imported · checklist:
the toolkit's checklist · runs: workstream flows and step sign-offs (run_forms: the form made from a
workstream's parameters) · xlsform: the questionnaire as an XLSForm to download · respondents: several
respondents' answers side by side, the consensus decided and diagnosed, KoBo/ODK submissions imported.
attachments: a country team's own documents and links on a tool or a task.
"""

from __future__ import annotations

from cer.web.pages import (
    account,
    attachments,
    browse,
    checklist,
    custom_tasks,
    diagnose,
    diagnoses,
    drafts,
    exports,
    feeds,
    history,
    my_work,
    people,
    plan,
    plan_import,
    portfolio,
    reports,
    respondents,
    runs,
    tasks,
    timeline,
    xlsform,
)

MODULES = (
    browse,
    account,
    xlsform,
    diagnose,
    drafts,
    diagnoses,
    portfolio,
    plan,
    tasks,
    custom_tasks,
    my_work,
    timeline,
    history,
    exports,
    reports,
    feeds,
    plan_import,
    respondents,
    checklist,
    runs,
    people,
    attachments,
)
