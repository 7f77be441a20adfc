"""The Python side of `cargo xtask bench`: the same load columns as `forma metrics`,
computed the usual Python way, with the `acwr` package (PyPI, MIT) and pandas.

Usage: python acwr_pandas.py SESSIONS_CSV OUT_CSV
"""

import sys

import acwr
import pandas as pd


def main(sessions_path: str, out_path: str) -> None:
    sessions = pd.read_csv(sessions_path, dtype={"athlete_id": str})
    sessions["load"] = sessions["load"].fillna(sessions["rpe"] * sessions["duration_min"])
    frames = []
    for athlete, part in sessions.groupby("athlete_id", sort=True):
        load = acwr.daily_load(part, date_col="date", load_col="load")
        rac = acwr.acwr(load, method="rac", return_components=True)
        rau = acwr.acwr(load, method="rau", return_components=True)
        ewma = acwr.acwr(load, method="ewma", return_components=True)
        frames.append(
            pd.DataFrame(
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
        )
    pd.concat(frames, ignore_index=True).to_csv(out_path, index=False)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
