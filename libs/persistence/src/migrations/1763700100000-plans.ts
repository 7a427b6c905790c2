import { MigrationInterface, QueryRunner } from 'typeorm';

export class Plans1763700100000 implements MigrationInterface {
  name = 'Plans1763700100000';

  async up(q: QueryRunner): Promise<void> {
    // One global sequence orders every plan write, so a re-created plan always outranks an older tombstone
    // in the cache and an older event in the search index.
    await q.query(`CREATE SEQUENCE plan_version_seq`);
    await q.query(`
      CREATE TABLE plans (
        object_id varchar(128) PRIMARY KEY,
        document jsonb NOT NULL,
        etag varchar(64) NOT NULL,
        version bigint NOT NULL,
        plan_type varchar(100) NOT NULL,
        org varchar(255) NOT NULL,
        search_vector tsvector NOT NULL,
        created_by uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_by uuid NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX plans_search_vector_idx ON plans USING GIN (search_vector)`);
    // Equality filter plus the result order in one index: the filtered page is read in order.
    await q.query(`CREATE INDEX plans_plan_type_created_idx ON plans (plan_type, created_at, object_id)`);
    await q.query(`CREATE INDEX plans_org_created_idx ON plans (org, created_at, object_id)`);
    await q.query(`CREATE INDEX plans_created_at_idx ON plans (created_at, object_id)`);
    await q.query(`CREATE INDEX plans_updated_at_idx ON plans (updated_at, object_id)`);
    // Every nested object, addressable by (plan, objectId), with its parent; gone with its plan.
    await q.query(`
      CREATE TABLE plan_objects (
        plan_id varchar(128) NOT NULL REFERENCES plans (object_id) ON DELETE CASCADE,
        object_id varchar(128) NOT NULL,
        object_type varchar(32) NOT NULL,
        parent_id varchar(128),
        relation varchar(64),
        properties jsonb NOT NULL,
        name varchar(255),
        copay integer,
        deductible integer,
        PRIMARY KEY (plan_id, object_id)
      )`);
    await q.query(`CREATE INDEX plan_objects_service_name_idx ON plan_objects (lower(name), plan_id) WHERE object_type = 'service'`);
    await q.query(`CREATE INDEX plan_objects_copay_idx ON plan_objects (copay, plan_id) WHERE object_type = 'membercostshare'`);
    await q.query(`CREATE INDEX plan_objects_deductible_idx ON plan_objects (deductible, plan_id) WHERE object_type = 'membercostshare'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE plan_objects`);
    await q.query(`DROP TABLE plans`);
    await q.query(`DROP SEQUENCE plan_version_seq`);
  }
}
