// EdgeBoardConfig: see the issue that builds it. This placeholder keeps the target non-empty until then.
