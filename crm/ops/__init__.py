"""Operating the installation: backup/restore of the database and files, and `huiqi doctor`'s checks.

May import crm.config, crm.db, crm.models and crm.store; never crm.services or the UI.
"""
