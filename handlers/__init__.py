"""What the assistant does: channel-agnostic conversation steps and the rules behind them."""
