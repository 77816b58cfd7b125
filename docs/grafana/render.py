#!/usr/bin/python3
"""Renders the panels of docs/grafana/segvault.json from a live Prometheus into one PNG (a stand-in screenshot:
Grafana itself is not needed). Every query is sent exactly as the dashboard has it, with all repositories selected.

    /usr/bin/python3 docs/grafana/render.py http://127.0.0.1:9090 docs/grafana/segvault.png [minutes]

Needs Debian's python3 with python3-matplotlib. DashboardIT calls it when SEGVAULT_RENDER_DASHBOARD names the output file.
"""
import json
import sys
import time
import urllib.parse
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

UNITS = {"s": "seconds", "bytes": "bytes", "Bps": "bytes/s", "ops": "objects/s", "short": ""}


def query_range(base, expr, start, end, step):
    q = urllib.parse.urlencode({"query": expr, "start": start, "end": end, "step": step})
    with urllib.request.urlopen(f"{base}/api/v1/query_range?{q}", timeout=30) as r:
        body = json.load(r)
    if body.get("status") != "success":
        raise SystemExit(f"query failed: {expr}: {body}")
    return body["data"]["result"]


def legend(fmt, labels):
    out = fmt
    for k, v in labels.items():
        out = out.replace("{{" + k + "}}", v)
    return out


def main():
    base, out = sys.argv[1], Path(sys.argv[2])
    minutes = float(sys.argv[3]) if len(sys.argv) > 3 else 3
    dashboard = json.loads((Path(__file__).parent / "segvault.json").read_text())
    end = time.time()
    start = end - minutes * 60
    panels = dashboard["panels"]
    rows = (len(panels) + 1) // 2
    fig, axes = plt.subplots(rows, 2, figsize=(14, 3 * rows), constrained_layout=True)
    for ax, panel in zip(axes.flat, panels):
        for t in panel["targets"]:
            expr = t["expr"].replace("$__rate_interval", "1m").replace("$repo", ".*").replace("$job", "segvault")
            for series in query_range(base, expr, start, end, 2):
                xs = [datetime.fromtimestamp(float(v[0]), tz=timezone.utc) for v in series["values"]]
                ys = [float(v[1]) for v in series["values"]]
                ax.plot(xs, ys, label=legend(t.get("legendFormat", ""), series["metric"]))
        ax.set_title(panel["title"], fontsize=10)
        ax.set_ylabel(UNITS.get(panel["fieldConfig"]["defaults"].get("unit", ""), ""), fontsize=8)
        ax.tick_params(labelsize=7)
        if ax.lines:
            ax.legend(fontsize=6, loc="upper left")
    fig.suptitle(f"segvault dashboard queries, rendered from a live Prometheus (last {minutes:g} min, UTC)")
    fig.savefig(out, dpi=80)


if __name__ == "__main__":
    main()
