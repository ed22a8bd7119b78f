"""MongoDB: transactions and versioned saves, pages, indexes, facts awaited from events, outage errors."""
