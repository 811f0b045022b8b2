"""Every contact with a member (deliveries, impressions) and the caps that limit them."""
