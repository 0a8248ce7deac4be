-- An identity from the provider is linked to an existing admin account only while an admin
-- has allowed it (for 24 hours), so whoever controls an address at the provider cannot take
-- over an admin account by it.
alter table users add column oidc_link_allowed_until timestamptz;
