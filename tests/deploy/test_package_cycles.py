"""The package-cycle check `make lint` runs finds cycles of any length and nothing else."""

from deploy.checks.package_cycles import cycles


def test_a_cycle_through_three_packages_is_found_and_a_chain_is_not() -> None:
    graph = {"orders": {"listings"}, "listings": {"settlement"}, "settlement": {"orders"}, "photos": {"listings"}}
    assert cycles(graph) == [["listings", "orders", "settlement"]]
    assert cycles({"lots": {"sites"}, "sites": set(), "harvests": {"sites", "lots"}}) == []


def test_two_separate_cycles_are_reported_apart() -> None:
    graph = {"feed": {"grants"}, "grants": {"feed"}, "deliveries": {"endpoints"}, "endpoints": {"deliveries"}}
    assert cycles(graph) == [["deliveries", "endpoints"], ["feed", "grants"]]
