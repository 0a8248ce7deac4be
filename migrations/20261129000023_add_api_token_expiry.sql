-- API tokens expire: a forgotten token of a script or an integration stops working by itself.
-- Tokens made before this change get the default period from now.
alter table api_tokens add column expires_at timestamptz;
update api_tokens set expires_at = now() + interval '90 days';
alter table api_tokens alter column expires_at set not null;
