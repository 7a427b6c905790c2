import { MigrationInterface, QueryRunner } from 'typeorm';

// The audit log. Writers pay one INSERT (multi-row for an order batch) and nothing else: no hash, no lock, no
// row they all update. Tamper evidence comes afterwards, from the sealer (audit_seal), which chains each
// committed event per UTC day into audit_seals in a single locked pass per scheduler tick. Which events it may
// seal is decided by transaction ids, not clocks: an event whose writer_xid is below the current snapshot's
// xmin is committed (or rolled back) for good, so no later commit can slip in before an already sealed link.
//
// Both tables are partitioned by month, append-only (a trigger refuses UPDATE, DELETE and TRUNCATE), and lose
// data only when the retention purge drops whole partitions (audit_drop_partitions_before).
export class AuditLog1764800000000 implements MigrationInterface {
  name = 'AuditLog1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SEQUENCE audit_events_seq AS bigint`);
    await q.query(`
      CREATE TABLE audit_events (
        seq bigint NOT NULL DEFAULT nextval('audit_events_seq'),
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        at timestamptz NOT NULL DEFAULT now(),
        -- the 64-bit id of the writing transaction, as bigint (xid8 has no BRIN operator class)
        writer_xid bigint NOT NULL DEFAULT pg_current_xact_id()::text::bigint,
        action text NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('success', 'failure')),
        actor_id uuid,
        actor_role text,
        target_type text,
        target_id text,
        request_id text,
        ip text,
        details jsonb NOT NULL DEFAULT '{}'::jsonb,
        PRIMARY KEY (at, seq)
      ) PARTITION BY RANGE (at)`);
    // Filters of GET /admin/audit. BRIN on writer_xid (the sealer's range) costs writers next to nothing.
    await q.query(`CREATE INDEX audit_events_actor_idx ON audit_events (actor_id, at)`);
    await q.query(`CREATE INDEX audit_events_target_idx ON audit_events (target_id, at)`);
    await q.query(`CREATE INDEX audit_events_request_idx ON audit_events (request_id)`);
    await q.query(`CREATE INDEX audit_events_writer_xid_brin ON audit_events USING brin (writer_xid)`);

    await q.query(`
      CREATE TABLE audit_seals (
        day date NOT NULL,
        position bigint NOT NULL,
        event_at timestamptz NOT NULL,
        event_seq bigint NOT NULL,
        hash bytea NOT NULL,
        sealed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (day, position),
        UNIQUE (event_seq, day)
      ) PARTITION BY RANGE (day)`);
    // One row: every event written by a transaction id below sealed_below_xid is sealed.
    await q.query(`CREATE TABLE audit_seal_state (id smallint PRIMARY KEY CHECK (id = 1), sealed_below_xid bigint NOT NULL, sealed_at timestamptz)`);
    await q.query(`INSERT INTO audit_seal_state (id, sealed_below_xid) VALUES (1, 0)`);

    await q.query(`
      CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit log is append-only: % on % refused', TG_OP, TG_TABLE_NAME USING ERRCODE = '42501';
      END $$`);
    for (const table of ['audit_events', 'audit_seals']) {
      await q.query(`CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()`);
      await q.query(`CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()`);
    }
    await q.query(`CREATE TRIGGER audit_seal_state_no_delete BEFORE DELETE OR TRUNCATE ON audit_seal_state FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()`);

    // The bytes an event's link hashes: every column a reader sees, in a fixed order and format.
    await q.query(`
      CREATE FUNCTION audit_event_digest(e audit_events) RETURNS bytea LANGUAGE sql IMMUTABLE AS $$
        SELECT sha256(convert_to(jsonb_build_array(
          e.seq, e.id, to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), e.action, e.outcome,
          e.actor_id, e.actor_role, e.target_type, e.target_id, e.request_id, e.ip, e.details)::text, 'UTF8'))
      $$`);

    // Month partitions of both tables from the month of from_day, for months months; TRUNCATE is refused on
    // each partition too (a statement trigger on the parent does not cover a partition truncated by name).
    await q.query(`
      CREATE FUNCTION audit_ensure_partitions(from_day date, months int) RETURNS int LANGUAGE plpgsql AS $$
      DECLARE
        first date := date_trunc('month', from_day)::date;
        lower date; upper date; suffix text; created int := 0; t text;
      BEGIN
        FOR i IN 0 .. months - 1 LOOP
          lower := (first + make_interval(months => i))::date;
          upper := (lower + interval '1 month')::date;
          suffix := to_char(lower, '"y"YYYY"m"MM');
          FOREACH t IN ARRAY ARRAY['audit_events', 'audit_seals'] LOOP
            IF to_regclass(t || '_' || suffix) IS NULL THEN
              IF t = 'audit_events' THEN
                EXECUTE format('CREATE TABLE %I PARTITION OF audit_events FOR VALUES FROM (%L) TO (%L)', t || '_' || suffix,
                  lower::timestamp AT TIME ZONE 'UTC', upper::timestamp AT TIME ZONE 'UTC');
              ELSE
                EXECUTE format('CREATE TABLE %I PARTITION OF audit_seals FOR VALUES FROM (%L) TO (%L)', t || '_' || suffix, lower, upper);
              END IF;
              EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()',
                t || '_no_truncate', t || '_' || suffix);
              created := created + 1;
            END IF;
          END LOOP;
        END LOOP;
        RETURN created;
      END $$`);

    // Retention: drops the month partitions that end on or before the cutoff's month start. Returns their names.
    await q.query(`
      CREATE FUNCTION audit_drop_partitions_before(cutoff timestamptz) RETURNS text[] LANGUAGE plpgsql AS $$
      DECLARE
        limit_day date := date_trunc('month', cutoff AT TIME ZONE 'UTC')::date;
        part record; dropped text[] := '{}';
      BEGIN
        FOR part IN
          SELECT c.relname, p.relname AS parent FROM pg_inherits i
          JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
          WHERE p.relname IN ('audit_events', 'audit_seals') AND c.relname ~ '_y[0-9]{4}m[0-9]{2}$'
        LOOP
          IF make_date(substring(part.relname from '_y([0-9]{4})m[0-9]{2}$')::int, substring(part.relname from '_y[0-9]{4}m([0-9]{2})$')::int, 1) < limit_day THEN
            EXECUTE format('DROP TABLE %I', part.relname);
            dropped := dropped || part.relname::text;
          END IF;
        END LOOP;
        RETURN dropped;
      END $$`);

    // The sealer. Caller holds the maintenance lock. Chains, per UTC day of at, every event written by a
    // transaction that has finished since the last run, in seq order; each link is
    // sha256(previous link of that day, or the day's genesis || digest of the event).
    await q.query(`
      CREATE FUNCTION audit_seal() RETURNS int LANGUAGE plpgsql AS $$
      DECLARE
        low bigint; high bigint := pg_snapshot_xmin(pg_current_snapshot())::text::bigint;
        e audit_events; d date; cur_day date; prev bytea; pos bigint; sealed int := 0;
      BEGIN
        SELECT sealed_below_xid INTO low FROM audit_seal_state WHERE id = 1 FOR UPDATE;
        IF high <= low THEN RETURN 0; END IF;
        FOR e IN
          SELECT * FROM audit_events WHERE writer_xid >= low AND writer_xid < high
          ORDER BY (at AT TIME ZONE 'UTC')::date, seq
        LOOP
          d := (e.at AT TIME ZONE 'UTC')::date;
          IF cur_day IS DISTINCT FROM d THEN
            cur_day := d;
            SELECT s.position, s.hash INTO pos, prev FROM audit_seals s WHERE s.day = d ORDER BY s.position DESC LIMIT 1;
            IF NOT FOUND THEN pos := 0; prev := sha256(convert_to('audit:' || d::text, 'UTF8')); END IF;
          END IF;
          pos := pos + 1;
          prev := sha256(prev || audit_event_digest(e));
          INSERT INTO audit_seals (day, position, event_at, event_seq, hash) VALUES (d, pos, e.at, e.seq, prev);
          sealed := sealed + 1;
        END LOOP;
        UPDATE audit_seal_state SET sealed_below_xid = high, sealed_at = now() WHERE id = 1;
        RETURN sealed;
      END $$`);

    await q.query(`SELECT audit_ensure_partitions((now() AT TIME ZONE 'UTC')::date - 31, 5)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION audit_seal()`);
    await q.query(`DROP FUNCTION audit_drop_partitions_before(timestamptz)`);
    await q.query(`DROP FUNCTION audit_ensure_partitions(date, int)`);
    await q.query(`DROP TABLE audit_seal_state`);
    await q.query(`DROP TABLE audit_seals`);
    await q.query(`DROP FUNCTION audit_event_digest(audit_events)`);
    await q.query(`DROP TABLE audit_events`);
    await q.query(`DROP FUNCTION audit_refuse_change()`);
    await q.query(`DROP SEQUENCE audit_events_seq`);
  }
}
