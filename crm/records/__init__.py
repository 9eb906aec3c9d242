"""What officers type: one field-spec table (labels, kinds, bounds, choices) and its validation.

fields (specs per entity, used by forms, import mapping and validation) <- validation (parse, bound-check
and cross-check a record's fields; Chinese messages naming the field). May import crm.domain, crm.parsing,
crm.i18n and crm.errors only.
"""
