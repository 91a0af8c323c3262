"""The engine: workflow definitions and their registry, the one service that fires
transitions, the wiring of guards, permissions and effects, versions, diagrams, deadlines,
and the audit chain. It runs any workflow and imports no feature: the features register
their definitions and rules with it (workflow.engine.registry, workflow.engine.rules).
"""
