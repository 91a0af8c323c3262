"""WNF grants: the workflow definition, proposals, their budget, screening and the final
report. Registers the grant definition and its rules with the engine."""
