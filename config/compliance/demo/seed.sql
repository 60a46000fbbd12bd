-- Demo data for `explain` (docs/compliance.md). Load into a database created from the SQLite migrations.
-- Ids are fixed so the examples can name them; instants are UTC in EF Core's SQLite text format.
INSERT INTO creditors (id, code, name, country, report_email, policy_max_instalments, policy_min_instalment,
    policy_max_settlement_discount_percent, policy_promise_tolerance, policy_allows_sms, policy_allows_whatsapp, policy_allows_automated_dialing)
VALUES ('0190F000-0000-7000-8000-000000000001', 'ACME', 'Acme Telecom', 'US', NULL, 12, '20.0', '0.0', '1.0', 1, 0, 1);
INSERT INTO portfolios (id, creditor_id, name, created_at)
VALUES ('0190F000-0000-7000-8000-000000000002', '0190F000-0000-7000-8000-000000000001', '2026-Q1', '2026-01-01 00:00:00');

-- US-1: Jane Doe, New York; a mobile without autodialer consent and a landline; a conversation on 2026-03-05.
INSERT INTO debtors (id, kind, first_name, last_name, company_name, preferred_language, time_zone_id, email, date_of_birth, vulnerable)
VALUES ('0190F000-0000-7000-8000-000000000010', 'Consumer', 'Jane', 'Doe', NULL, 'en', NULL, 'jane.doe@example.org', NULL, 0);
INSERT INTO debtor_addresses (id, debtor_id, street, postal_code, city, country, valid_from, valid_until)
VALUES ('0190F000-0000-7000-8000-000000000011', '0190F000-0000-7000-8000-000000000010', '1 Main Street', '10001', 'New York', 'US', '2020-01-01 00:00:00', NULL);
INSERT INTO phone_numbers (id, debtor_id, e164, kind, region, priority, autodial_consent, consent_source, consent_at)
VALUES ('0190F000-0000-7000-8000-000000000012', '0190F000-0000-7000-8000-000000000010', '+12125550123', 'Mobile', 'US', 1, 0, NULL, NULL),
       ('0190F000-0000-7000-8000-000000000013', '0190F000-0000-7000-8000-000000000010', '+12125550199', 'Landline', 'US', 2, 0, NULL, NULL);
INSERT INTO accounts (id, creditor_id, portfolio_id, debtor_id, creditor_reference, industry, origin, currency, principal, interest, fees, paid,
    due_date, created_at, updated_at, import_hash)
VALUES ('0190F000-0000-7000-8000-000000000014', '0190F000-0000-7000-8000-000000000001', '0190F000-0000-7000-8000-000000000002',
    '0190F000-0000-7000-8000-000000000010', 'US-1', 'Telecom', NULL, 'USD', '240.0', '0.0', '0.0', '0.0', '2025-12-01', '2026-01-02 00:00:00', '2026-01-02 00:00:00', NULL);
INSERT INTO contact_attempts (id, account_id, debtor_id, channel, address, campaign_id, agent_id, started_at, ended_at, outcome,
    right_party_contact, amd_flagged, external_id)
VALUES ('0190F000-0000-7000-8000-000000000015', '0190F000-0000-7000-8000-000000000014', '0190F000-0000-7000-8000-000000000010', 'Call',
    '+12125550199', NULL, NULL, '2026-03-05 19:00:00', '2026-03-05 19:06:00', 'Answered', 1, 0, NULL);

-- GB-1: John Smith, Manchester; an abandoned call on Monday 2026-03-09 10:00 UTC.
INSERT INTO debtors (id, kind, first_name, last_name, company_name, preferred_language, time_zone_id, email, date_of_birth, vulnerable)
VALUES ('0190F000-0000-7000-8000-000000000020', 'Consumer', 'John', 'Smith', NULL, 'en', NULL, NULL, NULL, 0);
INSERT INTO debtor_addresses (id, debtor_id, street, postal_code, city, country, valid_from, valid_until)
VALUES ('0190F000-0000-7000-8000-000000000021', '0190F000-0000-7000-8000-000000000020', '2 Deansgate', 'M3 2BW', 'Manchester', 'GB', '2020-01-01 00:00:00', NULL);
INSERT INTO phone_numbers (id, debtor_id, e164, kind, region, priority, autodial_consent, consent_source, consent_at)
VALUES ('0190F000-0000-7000-8000-000000000022', '0190F000-0000-7000-8000-000000000020', '+447700900123', 'Mobile', 'GB', 1, 1, 'contract', NULL);
INSERT INTO accounts (id, creditor_id, portfolio_id, debtor_id, creditor_reference, industry, origin, currency, principal, interest, fees, paid,
    due_date, created_at, updated_at, import_hash)
VALUES ('0190F000-0000-7000-8000-000000000024', '0190F000-0000-7000-8000-000000000001', '0190F000-0000-7000-8000-000000000002',
    '0190F000-0000-7000-8000-000000000020', 'GB-1', 'Telecom', NULL, 'GBP', '180.0', '0.0', '0.0', '0.0', '2025-12-01', '2026-01-02 00:00:00', '2026-01-02 00:00:00', NULL);
INSERT INTO contact_attempts (id, account_id, debtor_id, channel, address, campaign_id, agent_id, started_at, ended_at, outcome,
    right_party_contact, amd_flagged, external_id)
VALUES ('0190F000-0000-7000-8000-000000000025', '0190F000-0000-7000-8000-000000000024', '0190F000-0000-7000-8000-000000000020', 'Call',
    '+447700900123', NULL, NULL, '2026-03-09 10:00:00', '2026-03-09 10:00:00', 'Abandoned', 0, 0, NULL);

-- DE-1: Max Mustermann, Berlin (phone only, no address): a dispute hold since 2026-03-01.
INSERT INTO debtors (id, kind, first_name, last_name, company_name, preferred_language, time_zone_id, email, date_of_birth, vulnerable)
VALUES ('0190F000-0000-7000-8000-000000000030', 'Consumer', 'Max', 'Mustermann', NULL, 'de', NULL, NULL, NULL, 0);
INSERT INTO phone_numbers (id, debtor_id, e164, kind, region, priority, autodial_consent, consent_source, consent_at)
VALUES ('0190F000-0000-7000-8000-000000000032', '0190F000-0000-7000-8000-000000000030', '+4915112345678', 'Mobile', 'DE', 1, 1, 'contract', NULL);
INSERT INTO accounts (id, creditor_id, portfolio_id, debtor_id, creditor_reference, industry, origin, currency, principal, interest, fees, paid,
    due_date, created_at, updated_at, import_hash)
VALUES ('0190F000-0000-7000-8000-000000000034', '0190F000-0000-7000-8000-000000000001', '0190F000-0000-7000-8000-000000000002',
    '0190F000-0000-7000-8000-000000000030', 'DE-1', 'Telecom', NULL, 'EUR', '95.0', '0.0', '0.0', '0.0', '2025-12-01', '2026-01-02 00:00:00', '2026-01-02 00:00:00', NULL);
INSERT INTO holds (id, account_id, kind, reason, "from", "until")
VALUES ('0190F000-0000-7000-8000-000000000035', '0190F000-0000-7000-8000-000000000034', 'Dispute', 'debtor disputes the amount in writing', '2026-03-01 09:00:00', NULL);

-- LV-1: Līga Bērziņa, Rīga, a mobile; SI-1: Špela Novak, Ljubljana, a mobile whose last call reached another person;
-- AL-1: Erion Hoxha, Tiranë, an account paid in full (no lawful basis left to call).
INSERT INTO debtors (id, kind, first_name, last_name, company_name, preferred_language, time_zone_id, email, date_of_birth, vulnerable)
VALUES ('0190F000-0000-7000-8000-000000000040', 'Consumer', 'Līga', 'Bērziņa', NULL, 'lv', NULL, 'liga.berzina@example.org', NULL, 0),
       ('0190F000-0000-7000-8000-000000000050', 'Consumer', 'Špela', 'Novak', NULL, 'sl', NULL, 'spela.novak@example.org', NULL, 0),
       ('0190F000-0000-7000-8000-000000000060', 'Consumer', 'Erion', 'Hoxha', NULL, 'sq', NULL, NULL, NULL, 0);
INSERT INTO debtor_addresses (id, debtor_id, street, postal_code, city, country, valid_from, valid_until)
VALUES ('0190F000-0000-7000-8000-000000000041', '0190F000-0000-7000-8000-000000000040', 'Brīvības iela 12-4', 'LV-1010', 'Rīga', 'LV', '2020-01-01 00:00:00', NULL),
       ('0190F000-0000-7000-8000-000000000051', '0190F000-0000-7000-8000-000000000050', 'Trubarjeva cesta 7', '1000', 'Ljubljana', 'SI', '2020-01-01 00:00:00', NULL),
       ('0190F000-0000-7000-8000-000000000061', '0190F000-0000-7000-8000-000000000060', 'Rruga Myslym Shyri, Nr. 21', '1001', 'Tiranë', 'AL', '2020-01-01 00:00:00', NULL);
INSERT INTO phone_numbers (id, debtor_id, e164, kind, region, priority, autodial_consent, consent_source, consent_at)
VALUES ('0190F000-0000-7000-8000-000000000042', '0190F000-0000-7000-8000-000000000040', '+37120123456', 'Mobile', 'LV', 1, 1, 'contract', NULL),
       ('0190F000-0000-7000-8000-000000000052', '0190F000-0000-7000-8000-000000000050', '+38640123456', 'Mobile', 'SI', 1, 1, 'contract', NULL),
       ('0190F000-0000-7000-8000-000000000062', '0190F000-0000-7000-8000-000000000060', '+355692123456', 'Mobile', 'AL', 1, 1, 'contract', NULL);
INSERT INTO accounts (id, creditor_id, portfolio_id, debtor_id, creditor_reference, industry, origin, currency, principal, interest, fees, paid,
    due_date, created_at, updated_at, import_hash)
VALUES ('0190F000-0000-7000-8000-000000000044', '0190F000-0000-7000-8000-000000000001', '0190F000-0000-7000-8000-000000000002',
    '0190F000-0000-7000-8000-000000000040', 'LV-1', 'ConsumerCredit', 'consumer loan', 'EUR', '420.0', '0.0', '7.0', '0.0', '2026-08-01', '2026-09-01 00:00:00', '2026-09-01 00:00:00', NULL),
       ('0190F000-0000-7000-8000-000000000054', '0190F000-0000-7000-8000-000000000001', '0190F000-0000-7000-8000-000000000002',
    '0190F000-0000-7000-8000-000000000050', 'SI-1', 'Telecom', 'unpaid mobile subscription', 'EUR', '96.0', '0.0', '0.0', '0.0', '2026-08-01', '2026-09-01 00:00:00', '2026-09-01 00:00:00', NULL),
       ('0190F000-0000-7000-8000-000000000064', '0190F000-0000-7000-8000-000000000001', '0190F000-0000-7000-8000-000000000002',
    '0190F000-0000-7000-8000-000000000060', 'AL-1', 'Healthcare', 'dental treatment', 'ALL', '24000.0', '0.0', '0.0', '24000.0', '2026-08-01', '2026-09-01 00:00:00', '2026-09-01 00:00:00', NULL);
INSERT INTO contact_attempts (id, account_id, debtor_id, channel, address, campaign_id, agent_id, started_at, ended_at, outcome,
    right_party_contact, amd_flagged, external_id)
VALUES ('0190F000-0000-7000-8000-000000000055', '0190F000-0000-7000-8000-000000000054', '0190F000-0000-7000-8000-000000000050', 'Call',
    '+38640123456', NULL, NULL, '2026-10-20 08:00:00', '2026-10-20 08:02:00', 'Answered', 0, 0, NULL);
INSERT INTO dispositions (id, account_id, contact_attempt_id, agent_id, code, note, callback_at, "at")
VALUES ('0190F000-0000-7000-8000-000000000056', '0190F000-0000-7000-8000-000000000054', '0190F000-0000-7000-8000-000000000055', NULL,
    'WrongParty', 'her brother answered', NULL, '2026-10-20 08:02:00');
