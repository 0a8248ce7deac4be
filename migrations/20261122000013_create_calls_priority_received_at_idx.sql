-- The order „Dringende zuerst“: priority, then newest, for keyset pagination.
create index calls_priority_received_at_idx on calls (priority desc, received_at desc, id desc);
