"""Runners: where the analysis of stored articles runs. In this process
(`InlineRunner`), in a local pool of processes (`PoolRunner`, `--workers`),
or on Ray (`onrecord.run.ray_runner`, `--engine ray`). Every runner gives
back results in the order articles were handed to it, so one writer stores
them as the single-process run would."""
