-- mailscope case store, schema version 1.
-- The contract every stage reads: times are UTC (TIMESTAMP without zone), UPNs lower-case,
-- InternetMessageIds in canonical '<local@domain>' form, folder paths as 'Inbox/Travel'.
-- Every evidence-derived row carries record_key (the de-duplication key), source_sha256 and
-- source_line (1-based line, or record ordinal for formats without lines).
-- raw columns (the record as exported) use zstd: a third of the size and quicker to write.

CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);

CREATE TABLE IF NOT EXISTS evidence (       -- one row per evidence item (its other paths: evidence_locations)
    sha256 VARCHAR, path VARCHAR, bytes BIGINT, format VARCHAR,
    records BIGINT, parsed BIGINT, quarantined BIGINT, duplicates BIGINT, seconds DOUBLE,
    container VARCHAR,           -- the .zip it was read from, if any
    skipped BIGINT DEFAULT 0,    -- records recognised as data mailscope does not analyse
    skipped_reasons VARCHAR DEFAULT '{}'  -- JSON object {reason: records}
);
-- Cases written before skipped counts existed get the columns (at the end, as above).
ALTER TABLE evidence ADD COLUMN IF NOT EXISTS skipped BIGINT DEFAULT 0;
ALTER TABLE evidence ADD COLUMN IF NOT EXISTS skipped_reasons VARCHAR DEFAULT '{}';

CREATE TABLE IF NOT EXISTS ingest_runs (
    run INTEGER, started_at TIMESTAMP, finished_at TIMESTAMP, tool_version VARCHAR,
    files BIGINT, records BIGINT
);

CREATE TABLE IF NOT EXISTS quarantine (
    source_sha256 VARCHAR, source_path VARCHAR, source_line BIGINT, format VARCHAR,
    reason VARCHAR, raw VARCHAR USING COMPRESSION zstd
);

CREATE TABLE IF NOT EXISTS audit_events (
    record_key VARCHAR, id VARCHAR, time TIMESTAMP, workload VARCHAR, record_type INTEGER,
    operation VARCHAR, user_id VARCHAR, user_type INTEGER, client_ip VARCHAR,
    app_id VARCHAR, client_app_id VARCHAR, session_id VARCHAR, aad_session_id VARCHAR,
    unique_token_id VARCHAR, token_issued_at TIMESTAMP, client_info VARCHAR,
    user_agent VARCHAR, logon_type INTEGER, mailbox_upn VARCHAR, mailbox_guid VARCHAR,
    result VARCHAR, object_id VARCHAR, organization_id VARCHAR,
    parameters VARCHAR,          -- JSON object {name: value} of cmdlet Parameters / ExtendedProperties
    source_format VARCHAR, source_sha256 VARCHAR, source_line BIGINT,
    raw VARCHAR USING COMPRESSION zstd
);

CREATE TABLE IF NOT EXISTS mail_access (
    record_key VARCHAR, event_key VARCHAR, event_id VARCHAR, time TIMESTAMP,
    mailbox_upn VARCHAR, mailbox_guid VARCHAR, user_id VARCHAR,
    access_type VARCHAR,         -- 'Bind' | 'Sync'
    folder_path VARCHAR, message_id VARCHAR, size_bytes BIGINT,
    is_throttled BOOLEAN, operation_count INTEGER, logon_type INTEGER, client_ip VARCHAR,
    app_id VARCHAR, client_app_id VARCHAR, session_id VARCHAR, aad_session_id VARCHAR,
    unique_token_id VARCHAR, token_issued_at TIMESTAMP, client_info VARCHAR,
    user_agent VARCHAR, source_sha256 VARCHAR, source_line BIGINT
);

CREATE TABLE IF NOT EXISTS signins (
    record_key VARCHAR, id VARCHAR,
    kind VARCHAR,                -- 'interactive' | 'noninteractive' | 'service_principal' | 'managed_identity'
    time TIMESTAMP, user_id VARCHAR, upn VARCHAR, app_id VARCHAR, app_name VARCHAR,
    resource_id VARCHAR, resource_name VARCHAR, ip VARCHAR, asn BIGINT, country VARCHAR,
    city VARCHAR, session_id VARCHAR, unique_token_id VARCHAR, correlation_id VARCHAR,
    status_code INTEGER, success BOOLEAN, user_agent VARCHAR, client_app VARCHAR,
    is_interactive BOOLEAN, service_principal_id VARCHAR, service_principal_name VARCHAR,
    source_format VARCHAR, source_sha256 VARCHAR, source_line BIGINT,
    raw VARCHAR USING COMPRESSION zstd
);

CREATE TABLE IF NOT EXISTS graph_activity (
    record_key VARCHAR, request_id VARCHAR, time TIMESTAMP, user_id VARCHAR, upn VARCHAR,
    app_id VARCHAR, service_principal_id VARCHAR, ip VARCHAR, session_id VARCHAR,
    sign_in_activity_id VARCHAR, token_issued_at TIMESTAMP, method VARCHAR,
    request_uri VARCHAR, response_status INTEGER, user_agent VARCHAR, scopes VARCHAR,
    roles VARCHAR, source_format VARCHAR, source_sha256 VARCHAR, source_line BIGINT,
    raw VARCHAR USING COMPRESSION zstd
);

CREATE TABLE IF NOT EXISTS directory_audits (
    record_key VARCHAR, id VARCHAR, time TIMESTAMP, category VARCHAR, activity VARCHAR,
    operation_type VARCHAR, result VARCHAR, logged_by_service VARCHAR,
    initiated_by_upn VARCHAR, initiated_by_app_id VARCHAR, initiated_by_ip VARCHAR,
    target_ids VARCHAR, target_names VARCHAR,   -- '; '-joined
    modified_properties VARCHAR,                -- JSON array [{name, old, new}]
    correlation_id VARCHAR, source_format VARCHAR, source_sha256 VARCHAR,
    source_line BIGINT, raw VARCHAR USING COMPRESSION zstd
);

CREATE TABLE IF NOT EXISTS directory_users (
    record_key VARCHAR, object_id VARCHAR, upn VARCHAR, display_name VARCHAR,
    department VARCHAR, job_title VARCHAR, office_location VARCHAR, mail VARCHAR,
    account_enabled BOOLEAN, user_type VARCHAR, source_sha256 VARCHAR, source_line BIGINT
);

CREATE TABLE IF NOT EXISTS messages (
    record_key VARCHAR, mailbox_upn VARCHAR, folder_path VARCHAR, message_id VARCHAR,
    date TIMESTAMP, sender VARCHAR, recipients VARCHAR, subject VARCHAR, size_bytes BIGINT,
    attachment_names VARCHAR, body_text VARCHAR, source_format VARCHAR,
    source_sha256 VARCHAR, source_path VARCHAR, source_line BIGINT
);

CREATE TABLE IF NOT EXISTS message_trace (
    record_key VARCHAR, message_id VARCHAR, time TIMESTAMP, sender VARCHAR,
    recipient VARCHAR, subject VARCHAR, status VARCHAR, from_ip VARCHAR, to_ip VARCHAR,
    size_bytes BIGINT, source_format VARCHAR, source_sha256 VARCHAR, source_line BIGINT,
    raw VARCHAR USING COMPRESSION zstd
);

CREATE TABLE IF NOT EXISTS mail_rules (
    record_key VARCHAR, kind VARCHAR,          -- 'inbox' | 'transport'
    mailbox_upn VARCHAR, name VARCHAR, enabled BOOLEAN, forward_to VARCHAR,
    redirect_to VARCHAR, forward_as_attachment_to VARCHAR, delete_message BOOLEAN,
    move_to_folder VARCHAR, conditions VARCHAR, source_format VARCHAR,
    source_sha256 VARCHAR, source_line BIGINT, raw VARCHAR USING COMPRESSION zstd
);

CREATE TABLE IF NOT EXISTS findings (
    finding_id VARCHAR, rule_id VARCHAR, title VARCHAR, severity VARCHAR,
    confidence DOUBLE, attack_ids VARCHAR[], mailboxes VARCHAR[], users VARCHAR[],
    apps VARCHAR[], ips VARCHAR[], sessions VARCHAR[], tokens VARCHAR[],
    first_seen TIMESTAMP, last_seen TIMESTAMP, evidence_keys VARCHAR[],
    explanation VARCHAR, details VARCHAR        -- JSON object
);

CREATE TABLE IF NOT EXISTS rule_runs (
    rule_id VARCHAR, status VARCHAR,            -- 'ran' | 'skipped' | 'error'
    reason VARCHAR, findings BIGINT, seconds DOUBLE
);

-- Written by the scope stage (mailscope scope); read by reports. Rebuilt on every run.
-- Scope tables are dropped and re-created by every scope run (store.case.reset_tables).
CREATE TABLE IF NOT EXISTS scope_actor (
    kind VARCHAR,                -- 'ip' | 'session' | 'token' | 'app' | 'user_agent' | 'account'
    value VARCHAR, first_seen TIMESTAMP, last_seen TIMESTAMP, records BIGINT,
    reason VARCHAR,              -- the chain that put it there, seed first (' → '-joined)
    tier VARCHAR                 -- 'confirmed' | 'suspected'
);

CREATE TABLE IF NOT EXISTS scope_access (  -- every mail_access row attributed to the actor (confirmed)
    record_key VARCHAR, mailbox_upn VARCHAR, time TIMESTAMP, access_type VARCHAR,
    folder_path VARCHAR, message_id VARCHAR, is_throttled BOOLEAN, client_ip VARCHAR,
    app_id VARCHAR, session_id VARCHAR, unique_token_id VARCHAR, user_agent VARCHAR,
    why VARCHAR                  -- the chain that attributed the record
);

CREATE TABLE IF NOT EXISTS scope_mailboxes (  -- each mailbox in scope and why
    mailbox_upn VARCHAR, tier VARCHAR, first_access TIMESTAMP, last_access TIMESTAMP,
    records BIGINT, exposed_messages BIGINT, why VARCHAR, evidence_keys VARCHAR[]
);

CREATE TABLE IF NOT EXISTS scope_exposed_messages (
    mailbox_upn VARCHAR, message_id VARCHAR,
    basis VARCHAR,               -- strongest basis: 'bind' | 'sync' | 'throttled'
    folder_path VARCHAR, date TIMESTAMP, subject VARCHAR, sender VARCHAR,
    has_content BOOLEAN,         -- false when the message is known only from the logs
    us_ssn INTEGER, has_itinerary BOOLEAN, has_marking BOOLEAN,
    sensitive_kinds VARCHAR[]    -- e.g. ['us_ssn', 'itinerary', 'marking', 'credit_card']
);

CREATE TABLE IF NOT EXISTS scope_sensitive_hits (
    mailbox_upn VARCHAR, message_id VARCHAR, kind VARCHAR, value_hash VARCHAR,
    redacted VARCHAR, score DOUBLE
);

CREATE TABLE IF NOT EXISTS scope_people (  -- people whose personal data or mail was exposed
    upn VARCHAR, display_name VARCHAR, department VARCHAR, reason VARCHAR,
    mailboxes VARCHAR[], messages BIGINT, kinds VARCHAR[]
);

CREATE TABLE IF NOT EXISTS scope_blind_spots (
    kind VARCHAR,                -- 'throttled_window' | 'audit_gap' | 'no_token_ids' | 'source_absent' | 'no_content' | 'coverage'
    subject VARCHAR, start_time TIMESTAMP, end_time TIMESTAMP, detail VARCHAR
);
-- Every run of a command that writes the case (ingest, detect, scope), started or not
-- finished: a run left 'running' by a dead process is found and named by the next command.
CREATE TABLE IF NOT EXISTS run_journal (
    run INTEGER, command VARCHAR, pid INTEGER, started_at TIMESTAMP, finished_at TIMESTAMP,
    paths VARCHAR,               -- JSON array of the evidence paths named (ingest)
    state VARCHAR,               -- 'running' | 'finished' | 'failed' | 'interrupted' | 'recovered'
    files_done BIGINT,           -- evidence files made visible so far (ingest)
    current_file VARCHAR,        -- the file being read when the run was interrupted
    pending_files BIGINT,        -- files read since the last commit when it was interrupted
    interrupted_at TIMESTAMP, note VARCHAR
);
-- Where each evidence item (one SHA-256) was found: the same bytes at two paths are one
-- item with two locations. size and mtime let every stage check cheaply that it is unchanged.
CREATE TABLE IF NOT EXISTS evidence_locations (
    sha256 VARCHAR, path VARCHAR, bytes BIGINT, mtime_ns BIGINT,
    disk_path VARCHAR,           -- absolute path of the file on disk (the .zip for a member)
    disk_bytes BIGINT,           -- that file's size (the archive's, for a member)
    member VARCHAR,              -- the zip member name, NULL for a plain file
    replaced_by VARCHAR          -- SHA-256 of the changed file accepted at this path since
);
-- Cases written before these columns existed get them (at the end, as above).
ALTER TABLE evidence_locations ADD COLUMN IF NOT EXISTS disk_path VARCHAR DEFAULT NULL;
ALTER TABLE evidence_locations ADD COLUMN IF NOT EXISTS disk_bytes BIGINT DEFAULT NULL;
ALTER TABLE evidence_locations ADD COLUMN IF NOT EXISTS member VARCHAR DEFAULT NULL;
ALTER TABLE evidence_locations ADD COLUMN IF NOT EXISTS replaced_by VARCHAR DEFAULT NULL;
