"""Operations: job heartbeats, the health checks (`tracker doctor`), alerts and backups."""
