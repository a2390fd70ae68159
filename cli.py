"""Register every blueprint's CLI commands on the app."""
from flask import Flask


def register(app: Flask) -> None:
    from auth import cli as auth_cli
    from auth import tokens as tokens_mod
    from events import cli as events_cli
    from messaging import cli as messaging_cli
    from ops import cli as ops_cli
    from relawan import cli as relawan_cli
    from reports import cli as reports_cli

    for module in (auth_cli, tokens_mod, relawan_cli, events_cli, reports_cli, ops_cli,
                   messaging_cli):
        module.register(app)
