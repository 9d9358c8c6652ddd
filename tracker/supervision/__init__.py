"""督办: the legal office's 催办 (chasing a lead unit, escalating when repeated) and the printable
督办通知单 (a numbered notice for one task or for a unit's open tasks)."""
