"""The two panel shapes the platform's dashboards use, described as data and built with grafana-foundation-sdk."""

from dataclasses import dataclass

from grafana_foundation_sdk.builders import stat, timeseries
from grafana_foundation_sdk.builders.common import ReduceDataOptions, VizLegendOptions
from grafana_foundation_sdk.builders.dashboard import Dashboard, DatasourceVariable, Row
from grafana_foundation_sdk.builders.prometheus import Dataquery
from grafana_foundation_sdk.models.common import LegendDisplayMode, LegendPlacement
from grafana_foundation_sdk.models.dashboard import DataSourceRef

PROMETHEUS = DataSourceRef(type_val="prometheus", uid="${datasource}")
"""Every query reads the Prometheus data source picked in the dashboard's `datasource` variable."""


@dataclass(frozen=True)
class Query:
    expr: str
    legend: str

    def build(self, ref_id: str) -> Dataquery:
        return Dataquery().expr(self.expr).legend_format(self.legend).datasource(PROMETHEUS).ref_id(ref_id)


@dataclass(frozen=True)
class Chart:
    """A time series of one or more queries, its legend a table below it."""

    title: str
    unit: str
    queries: tuple[Query, ...]
    description: str = ""
    width: int = 12

    def build(self) -> timeseries.Panel:
        legend = VizLegendOptions().show_legend(True).display_mode(LegendDisplayMode.TABLE)
        panel = (
            timeseries.Panel()
            .title(self.title)
            .description(self.description)
            .unit(self.unit)
            .min(0)
            .span(self.width)
            .height(8)
            .datasource(PROMETHEUS)
            .legend(legend.placement(LegendPlacement.BOTTOM))
        )
        for ref_id, query in zip("ABCDEFGH", self.queries, strict=False):
            panel = panel.with_target(query.build(ref_id))
        return panel


@dataclass(frozen=True)
class Figure:
    """One number: the query's last value."""

    title: str
    unit: str
    query: Query
    description: str = ""
    width: int = 6

    def build(self) -> stat.Panel:
        return (
            stat.Panel()
            .title(self.title)
            .description(self.description)
            .unit(self.unit)
            .span(self.width)
            .height(6)
            .datasource(PROMETHEUS)
            .reduce_options(ReduceDataOptions().calcs(["lastNotNull"]))
            .with_target(self.query.build("A"))
        )


Content = str | Chart | Figure
"""A row's title, or a panel."""


def dashboard(uid: str, title: str, description: str, contents: list[Content]) -> Dashboard:
    built = (
        Dashboard(title)
        .uid(uid)
        .description(description)
        .tags(["pembinaan", "generated"])
        .refresh("30s")
        .time("now-6h", "now")
        .timezone("browser")
        .with_variable(DatasourceVariable("datasource").label("Prometheus").type("prometheus"))
    )
    for panel_id, content in enumerate(contents, start=1):  # ids keep links and Grafana's state stable
        if isinstance(content, str):
            built = built.with_row(Row(content).id(panel_id))
        else:
            built = built.with_panel(content.build().id(panel_id))
    return built
