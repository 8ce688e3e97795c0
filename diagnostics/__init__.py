"""The diagnostic: questionnaire, selection rules with reasons, and the plan builder (pure domain)."""
