"""The leadership view: dashboard, ranking, duty list, year over year, weekly briefing."""
