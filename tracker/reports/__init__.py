"""The annual rule-of-law report: built from a plan's data, edited, rendered, downloaded."""


def __getattr__(name: str):
    # `tracker.reports.report_for_plan` without importing the database layer with the package
    # (the builder is pure and imported on its own by renderers and tests)
    if name == "report_for_plan":
        from tracker.reports.queries import report_for_plan

        return report_for_plan
    raise AttributeError(name)
