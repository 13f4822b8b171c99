"""The admin of the core: its site (site.py), the mixins every app's model admin uses
(mixins.py), and the core's own model admins (accounts.py, audit_trail.py, lockouts.py).

The model admins are registered by imhs.apps.ServiceAdminConfig.ready, not imported here:
Django builds the default site by importing imhs.admin.site, which runs this file first, and a
registration made while the site is being built is lost with the half-built site.
"""
