"""The city plan cascaded to the bureaus (任务分解): each bureau a city item names receives it
(上级交办), decomposes it into tasks of its own plan, or asks not to carry it (申请不承担)."""
