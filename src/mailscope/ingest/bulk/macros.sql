-- DuckDB macros of the UAL bulk path: SQL twins of mailscope.ingest.normalise, used only on
-- values whose form the gate has checked (anything else is mapped by the Python readers).
-- The WS placeholder in braces becomes the characters Python's str.strip() removes.
-- Most values start and end with a printable ASCII character: nothing to strip (cheap test).
CREATE OR REPLACE TEMP MACRO ms_clean_ends(s) AS
    ord(left(s, 1)) BETWEEN 33 AND 126 AND ord(right(s, 1)) BETWEEN 33 AND 126;
CREATE OR REPLACE TEMP MACRO ms_strip(s) AS CASE WHEN ms_clean_ends(s) THEN s ELSE trim(s, '{WS}') END;
CREATE OR REPLACE TEMP MACRO ms_ascii(s) AS strlen(s) = length(s);
-- lower() only on ASCII: Python and DuckDB lower-case some non-ASCII letters differently.
CREATE OR REPLACE TEMP MACRO ms_lower_ascii(s) AS CASE WHEN ms_ascii(s) THEN lower(s) ELSE s END;
-- Blank values are short once stripped ('not available' is the longest): test those only.
CREATE OR REPLACE TEMP MACRO ms_blank_stripped(t) AS CASE WHEN strlen(t) > 13 THEN false
    ELSE ms_lower_ascii(t) IN ('', 'null', 'none', '<null>', 'n/a', 'not available') END;
CREATE OR REPLACE TEMP MACRO ms_text_of(t) AS CASE WHEN ms_blank_stripped(t) THEN NULL ELSE t END;
CREATE OR REPLACE TEMP MACRO ms_text(s) AS ms_text_of(ms_strip(s));
CREATE OR REPLACE TEMP MACRO ms_blank(s) AS s IS NULL OR ms_blank_stripped(ms_strip(s));
-- Kind of a JSON value: n(ull or missing) s(tring) i(nteger) b(oolean) o(bject) a(rray) f(loat).
CREATE OR REPLACE TEMP MACRO ms_kind(j) AS CASE
    WHEN j IS NULL OR j = 'null' THEN 'n' WHEN left(j, 1) = '"' THEN 's'
    WHEN left(j, 1) = '{' THEN 'o' WHEN left(j, 1) = '[' THEN 'a'
    WHEN j = 'true' OR j = 'false' THEN 'b'
    WHEN regexp_full_match(j, '-?[0-9]+') THEN 'i' ELSE 'f' END;
-- A JSON string's value: escapes decoded by the JSON reader, plain ones simply unquoted.
CREATE OR REPLACE TEMP MACRO ms_str(j) AS CASE WHEN left(j, 1) = '"' THEN
    CASE WHEN contains(j, '\') THEN j->>'$' ELSE j[2:-2] END END;
CREATE OR REPLACE TEMP MACRO ms_jblank(j) AS
    j IS NULL OR j = 'null' OR (left(j, 1) = '"' AND ms_blank(ms_str(j)));
-- to_int / enum_int on a JSON value the gate accepted (int32, digit string, blank string).
CREATE OR REPLACE TEMP MACRO ms_int_ok(j, digits) AS CASE
    WHEN j IS NULL OR j = 'null' THEN true
    WHEN left(j, 1) = '"' THEN
        ms_blank(ms_str(j)) OR regexp_full_match(ms_str(j), '[0-9]{1,' || digits || '}')
    ELSE regexp_full_match(j, '-?[0-9]{1,' || digits || '}') END;
-- (Only read where ms_int_ok holds: a JSON integer or a digit string.)
CREATE OR REPLACE TEMP MACRO ms_int(j) AS CASE
    WHEN left(j, 1) = '"' THEN TRY_CAST(ms_str(j) AS BIGINT) ELSE TRY_CAST(j AS BIGINT) END;
CREATE OR REPLACE TEMP MACRO ms_textual(j) AS j IS NULL OR j = 'null' OR left(j, 1) = '"';
-- parse_time on the two forms the bulk path maps: ISO-8601 (any fraction, optional Z) and
-- US 'M/D/YYYY h:mm[:ss][.f] [AM|PM]' (Purview CSV). Other forms: the gate sends them to Python.
CREATE OR REPLACE TEMP MACRO ms_iso(s) AS
    regexp_full_match(s, '[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z?');
CREATE OR REPLACE TEMP MACRO ms_us_parts(s) AS regexp_extract(s,
    '^([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})[ T]([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?(?:\.([0-9]+))?[ \t\n\r\f\v]*([AaPp][Mm])?$',
    ['mo', 'd', 'y', 'h', 'mi', 's', 'f', 'ap']);
CREATE OR REPLACE TEMP MACRO ms_micros(f) AS
    CASE WHEN f IS NULL OR f = '' THEN 0 ELSE CAST(rpad(left(f, 6), 6, '0') AS INTEGER) END;
CREATE OR REPLACE TEMP MACRO ms_clock(y, mo, d, h, mi, s, f) AS CASE WHEN y = 0 THEN NULL ELSE
    try_strptime(printf('%04d-%02d-%02d %02d:%02d:%02d', y, mo, d, h, mi, s), '%Y-%m-%d %H:%M:%S')
    + to_microseconds(ms_micros(f)) END;
CREATE OR REPLACE TEMP MACRO ms_us_hour(h, ap) AS CASE
    WHEN ap = '' THEN h WHEN h < 1 OR h > 12 THEN NULL
    ELSE h % 12 + CASE WHEN lower(ap) = 'pm' THEN 12 ELSE 0 END END;
CREATE OR REPLACE TEMP MACRO ms_us_time(p) AS CASE WHEN p.y <> '' THEN ms_clock(
    CAST(p.y AS INTEGER), CAST(p.mo AS INTEGER), CAST(p.d AS INTEGER),
    ms_us_hour(CAST(p.h AS INTEGER), p.ap), CAST(p.mi AS INTEGER),
    CAST(CASE WHEN p.s = '' THEN '0' ELSE p.s END AS INTEGER), p.f) END;
CREATE OR REPLACE TEMP MACRO ms_time_ok(s) AS CASE
    WHEN s IS NULL OR ms_iso(s) THEN true ELSE ms_us_parts(s).y <> '' END;
-- The common ISO form DuckDB's cast reads exactly as Python's fromisoformat does: up to six
-- fractional digits, no year 0, hours below 24, seconds below 60.
CREATE OR REPLACE TEMP MACRO ms_iso_plain(s) AS
    regexp_full_match(s, '[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?Z?')
    AND NOT starts_with(s, '0000') AND s[12:13] < '24' AND s[18:19] < '60';
CREATE OR REPLACE TEMP MACRO ms_time(s) AS CASE
    WHEN s IS NULL THEN NULL
    WHEN ms_iso_plain(s) THEN TRY_CAST(CASE WHEN ends_with(s, 'Z') THEN s[:-2] ELSE s END AS TIMESTAMP)
    WHEN ms_iso(s) THEN ms_clock(CAST(left(s, 4) AS INTEGER), CAST(s[6:7] AS INTEGER),
        CAST(s[9:10] AS INTEGER), CAST(s[12:13] AS INTEGER), CAST(s[15:16] AS INTEGER),
        CAST(s[18:19] AS INTEGER), regexp_extract(s, '\.([0-9]+)', 1))
    ELSE ms_us_time(ms_us_parts(s)) END;
-- normalise_ip for IPv4 with or without ':port' and for non-IP text; IPv6, '[v6]:port' and
-- '%zone' forms are left to Python (ipaddress compresses IPv6).
CREATE OR REPLACE TEMP MACRO ms_colons(s) AS strlen(s) - strlen(replace(s, ':', ''));
CREATE OR REPLACE TEMP MACRO ms_ip_ok(s) AS
    s IS NULL OR (ms_colons(s) <= 1 AND NOT contains(s, '%') AND NOT starts_with(s, '['));
CREATE OR REPLACE TEMP MACRO ms_ipv4(s) AS regexp_full_match(s,
    '((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])');
CREATE OR REPLACE TEMP MACRO ms_ip(s) AS CASE
    WHEN s IS NULL THEN NULL
    WHEN ms_ipv4(split_part(s, ':', 1)) THEN split_part(s, ':', 1) ELSE s END;
-- to_bool on a JSON value (booleans, integers, strings); the gate refuses other kinds.
CREATE OR REPLACE TEMP MACRO ms_bool_ok(j) AS ms_kind(j) IN ('n', 's', 'b', 'i');
-- (One flat CASE: ``CASE ms_kind(j) WHEN …`` would expand ms_kind once per branch. Blank
-- strings are no true or false word, so they fall through to NULL as in Python.)
CREATE OR REPLACE TEMP MACRO ms_bool_word(w) AS CASE
    WHEN w IN ('true', '1', 'yes', 'y', 'enabled') THEN true
    WHEN w IN ('false', '0', 'no', 'n', 'disabled') THEN false END;
CREATE OR REPLACE TEMP MACRO ms_bool(j) AS CASE
    WHEN j IS NULL OR j = 'null' THEN NULL
    WHEN j = 'true' THEN true WHEN j = 'false' THEN false
    WHEN left(j, 1) = '"' THEN ms_bool_word(ms_lower_ascii(ms_strip(ms_str(j))))
    WHEN regexp_full_match(j, '-?[0-9]+') THEN CAST(j AS HUGEINT) <> 0 END;
-- A [{"Name": …, "Value": …}] list as [{n, v}] (v: the value's JSON text); NULL when some
-- entry is not an object with a string Name and a Value (the Python reader handles those).
CREATE OR REPLACE TEMP MACRO ms_nv_of(entries) AS CASE
    WHEN list_bool_and(list_transform(entries,
            lambda e: coalesce(left(e.Name, 1) = '"' AND e.Value IS NOT NULL, false))) IS NOT false
    THEN list_filter(list_transform(entries, lambda e: {'n': ms_str(e.Name), 'v': e.Value}),
        lambda e: e.n <> '') END;
CREATE OR REPLACE TEMP MACRO ms_nv(j) AS CASE ms_kind(j) WHEN 'n' THEN []
    WHEN 'a' THEN ms_nv_of(from_json(j, '[{"Name":"JSON","Value":"JSON"}]'))
    END;
CREATE OR REPLACE TEMP MACRO ms_nv_get(l, name) AS list_filter(l, lambda e: e.n = name)[1].v;
CREATE OR REPLACE TEMP MACRO ms_nv_has(l, name) AS len(list_filter(l, lambda e: e.n = name)) > 0;
-- The merged parameters object, first name wins (Parameters, then Extended, then Operation).
CREATE OR REPLACE TEMP MACRO ms_params(l) AS CASE WHEN len(l) = 0 THEN NULL ELSE
    '{' || array_to_string(list_transform(
        list_filter(l, lambda e, i: list_position(list_transform(l, lambda x: x.n), e.n) = i),
        lambda e: to_json(e.n) || ':' || e.v), ',') || '}' END;
-- normalise_folder_path on ASCII paths (the gate checks): separators with the whitespace
-- around them become one '/', empty parts vanish; {ROOTS} maps localised top-level names.
CREATE OR REPLACE TEMP MACRO ms_path_norm(t) AS trim(regexp_replace(t,
    '[\t\n\x0b\x0c\r\x1c-\x1f ]*[\\/][\t\n\x0b\x0c\r\x1c-\x1f \\/]*', '/', 'g'), '/');
CREATE OR REPLACE TEMP MACRO ms_path_root(n) AS CASE WHEN n = '' THEN NULL ELSE
    coalesce({ROOTS}[lower(split_part(n, '/', 1))], split_part(n, '/', 1))
    || substr(n, strlen(split_part(n, '/', 1)) + 1) END;
CREATE OR REPLACE TEMP MACRO ms_path(s) AS ms_path_root(ms_path_norm(ms_text(s)));
CREATE OR REPLACE TEMP MACRO ms_message_id(s) AS CASE
    WHEN ms_text(s) IS NULL OR ms_strip(trim(ms_strip(s), '<>')) = '' THEN NULL
    ELSE '<' || ms_strip(trim(ms_strip(s), '<>')) || '>' END;
