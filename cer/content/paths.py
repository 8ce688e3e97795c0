"""Where each content file lives, relative to the content root (the folder holding the packages)."""

FRAMEWORK_DIR = "workstreams/content"
CATALOGUE_DIR = "tools_catalog/content"
DIAGNOSTICS_DIR = "diagnostics/content"

STEPS = f"{FRAMEWORK_DIR}/steps.yaml"
WORKSTREAMS = f"{FRAMEWORK_DIR}/workstreams.yaml"
TEMPLATES = f"{FRAMEWORK_DIR}/templates.yaml"
DEVIATIONS = f"{FRAMEWORK_DIR}/deviations.yaml"  # intended differences from the reference
SUPPORT = f"{CATALOGUE_DIR}/support.yaml"
QUESTIONNAIRE = f"{DIAGNOSTICS_DIR}/questionnaire.yaml"
RULES = f"{DIAGNOSTICS_DIR}/rules.yaml"
PLANNING = f"{DIAGNOSTICS_DIR}/planning.yaml"
CALENDARS = f"{DIAGNOSTICS_DIR}/calendars.yaml"
