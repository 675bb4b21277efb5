"""The questionnaire dialog: any form, one set of use cases (``flow``, ``opening``), screens
(``render``, ``view``, ``calendar``) and one router."""
