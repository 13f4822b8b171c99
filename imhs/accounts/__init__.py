"""Who may sign in and what they may see: users' roles, access checks, sign-in and passwords,
the second factor, sessions. A plain package of the `imhs` app (the models stay in
imhs/models.py, under the app label "imhs")."""
