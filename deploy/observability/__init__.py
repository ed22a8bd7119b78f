"""Dashboards as code and what they read: generated into deploy/grafana/dashboards/."""
