"""Tasks: the tracked items of a plan, their workflow, lights and progress timeline."""
