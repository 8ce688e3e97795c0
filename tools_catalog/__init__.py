"""The tool catalogue: guidance, templates, pilot-country examples, checklists, training.

Browse filters and ranked search; pure domain (pydantic and the standard library).
"""
