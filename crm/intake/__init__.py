"""Excel/CSV import and export, column mapping, validation report, duplicate detection, search and merge.

Reads files and plans; every write (an import's rows, a merge and its undo) goes through crm.store.
May import crm.models, crm.records, crm.db, crm.store and the leaf modules (config, i18n, errors,
domain, parsing, paths); never crm.rules, crm.services or the UI.
"""
