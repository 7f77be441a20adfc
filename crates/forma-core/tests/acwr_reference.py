"""Reference metrics from the `acwr` package (PyPI, MIT) for Forma's agreement test.

Usage: python acwr_reference.py SESSIONS_CSV OUT_CSV

Reads a canonical sessions CSV (athlete_id,date,...,load,...), builds each
athlete's daily series with acwr.daily_load (first to last session, rest = 0)
and writes the columns the package computes, named as in Forma's metrics CSV.
Floats are written with repr (round-trip), undefined as an empty cell, inf as inf.
"""

import sys

import acwr
import pandas as pd


def main(sessions_path: str, out_path: str) -> None:
    sessions = pd.read_csv(sessions_path, dtype={"athlete_id": str})
    frames = []
    for athlete, part in sessions.groupby("athlete_id", sort=True):
        load = acwr.daily_load(part, date_col="date", load_col="load")
        rac = acwr.acwr(load, method="rac", return_components=True)
        rau = acwr.acwr(load, method="rau", return_components=True)
        ewma = acwr.acwr(load, method="ewma", return_components=True)
        frame = pd.DataFrame(
            {
                "athlete_id": athlete,
                "date": load.index.strftime("%Y-%m-%d"),
                "load": load.to_numpy(),
                "acute_rac": rac["acute"].to_numpy(),
                "chronic_rac": rac["chronic"].to_numpy(),
                "acwr_rac": rac["acwr"].to_numpy(),
                "chronic_rau": rau["chronic"].to_numpy(),
                "acwr_rau": rau["acwr"].to_numpy(),
                "acute_ewma": ewma["acute"].to_numpy(),
                "chronic_ewma": ewma["chronic"].to_numpy(),
                "acwr_ewma": ewma["acwr"].to_numpy(),
                "monotony": acwr.monotony(load).to_numpy(),
                "strain": acwr.strain(load).to_numpy(),
                "week_change_pct": acwr.week_to_week_change(load).to_numpy(),
            }
        )
        frames.append(frame)
    out = pd.concat(frames, ignore_index=True)
    with open(out_path, "w", encoding="utf-8") as f:
        f.write(",".join(out.columns) + "\n")
        for row in out.itertuples(index=False):
            cells = []
            for value in row:
                if isinstance(value, float):
                    cells.append("" if value != value else repr(value))
                else:
                    cells.append(str(value))
            f.write(",".join(cells) + "\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
