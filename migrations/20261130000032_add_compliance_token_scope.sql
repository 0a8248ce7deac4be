-- Tokens of the scope `compliance` may ask the live check of the source policy
-- (POST /api/v1/compliance/check) and nothing else: for the systems that want to know whether a
-- use of calls is allowed, without a REST token that could read the calls.
alter type token_scope add value 'compliance';
