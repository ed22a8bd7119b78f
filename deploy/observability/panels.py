"""The few panel shapes the platform's dashboards use, built with grafana-foundation-sdk."""

from grafana_foundation_sdk.builders import stat, timeseries
from grafana_foundation_sdk.builders.common import ReduceDataOptions, VizLegendOptions
from grafana_foundation_sdk.builders.dashboard import DatasourceVariable, Row
from grafana_foundation_sdk.builders.prometheus import Dataquery
from grafana_foundation_sdk.models.common import LegendDisplayMode, LegendPlacement
from grafana_foundation_sdk.models.dashboard import DataSourceRef

PROMETHEUS = DataSourceRef(type_val="prometheus", uid="${datasource}")
"""Every query reads the Prometheus data source picked in the dashboard's `datasource` variable."""


def datasource_variable() -> DatasourceVariable:
    return DatasourceVariable("datasource").label("Prometheus").type("prometheus")


def query(expr: str, legend: str) -> Dataquery:
    return Dataquery().expr(expr).legend_format(legend).datasource(PROMETHEUS)


def over_time(title: str, unit: str, *queries: Dataquery, description: str = "", width: int = 12) -> timeseries.Panel:
    """A time series of one or more queries, its legend a table below it."""
    panel = (
        timeseries.Panel()
        .title(title)
        .description(description)
        .unit(unit)
        .min(0)
        .span(width)
        .height(8)
        .datasource(PROMETHEUS)
        .legend(
            VizLegendOptions().show_legend(True).display_mode(LegendDisplayMode.TABLE).placement(LegendPlacement.BOTTOM)
        )
    )
    for letter, each in zip("ABCDEFGH", queries, strict=False):
        panel = panel.with_target(each.ref_id(letter))
    return panel


def figure(title: str, unit: str, single: Dataquery, *, description: str = "", width: int = 6) -> stat.Panel:
    """One number now (the last value), with its recent trend behind it."""
    return (
        stat.Panel()
        .title(title)
        .description(description)
        .unit(unit)
        .span(width)
        .height(6)
        .datasource(PROMETHEUS)
        .reduce_options(ReduceDataOptions().calcs(["lastNotNull"]))
        .with_target(single.ref_id("A"))
    )


def row(title: str) -> Row:
    return Row(title)
