"""The demo bureau (忻州市民政局), drawn from the seed report, for `make run` and visitors."""
