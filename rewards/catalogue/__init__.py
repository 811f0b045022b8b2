"""The rewards catalogue, redemptions, vouchers, fulfilment and the network outbox."""
