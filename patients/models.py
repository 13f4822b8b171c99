"""Infants, carers, GP practices and postcodes: built in issue 3."""
