"""How Meedoen runs: entry point, settings, channels, scheduler and outbox delivery."""
