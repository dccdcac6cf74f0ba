// Local placeholder (not committed): HEAD declares CaecTrainTests without sources.
