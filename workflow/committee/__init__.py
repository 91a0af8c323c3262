"""The committee: ballots, who may vote and who presides, the tally, the decision and the
work lists. Registers the ballot's steps and the outcome of "decide" for both programmes."""
