"""Aliases that could collide, as the importer's matcher sees them."""

from tracker.plans.importer.collisions import Collision, alias_collisions

OTHERS = [
    ("办公室", ["法制科"]),
    ("社会救助科", ["救助科"]),
    ("养老服务科", []),
    ("社会事务科", []),
]


def test_each_kind_of_collision_is_found():
    found = alias_collisions(
        "政策法规科", ["法规科", "局", "救助", "救助科", "办公室", "养老科"], OTHERS
    )
    assert found == [
        Collision("局", "generic"),
        Collision("救助", "inside", "社会救助科"),
        Collision("救助科", "equals", "社会救助科"),
        Collision("办公室", "generic"),
        Collision("养老科", "matched", "养老服务科"),  # the importer's abbreviation rule
    ]


def test_a_unit_of_the_same_name_and_a_clean_alias():
    assert alias_collisions("办公室", [], OTHERS) == [Collision("办公室", "name", "办公室")]
    assert alias_collisions("政策法规科", ["法规科", "政策科"], OTHERS) == []
