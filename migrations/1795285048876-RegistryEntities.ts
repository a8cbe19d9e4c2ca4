import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The entity registry: subjects, organizations, selectors and links. Besides what the entities declare:
 * - `casefile_name_key(text)`, the IMMUTABLE key the fuzzy name search compares — unaccented (through an
 *   immutable wrapper: `unaccent()` itself is only STABLE, so it cannot be indexed), lower case, with hyphens
 *   and punctuation turned into spaces — and GIN trigram expression indexes on it over every subject and
 *   organization name (an expression, not a stored column: the function's cost keeps the planner on the index);
 * - triggers that copy a subject's full name and aliases (an organization's name and aliases) into
 *   subject_name (organization_name), one row per name, so a hit can say which name matched;
 * - GIN (charges jsonb_path_ops) for "charged under a statute".
 */
export class RegistryEntities1795285048876 implements MigrationInterface {
  name = 'RegistryEntities1795285048876';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "link" ("id" uuid NOT NULL, "kind" text NOT NULL, "from_type" text NOT NULL, "from_id" uuid NOT NULL, "to_type" text NOT NULL, "to_id" uuid NOT NULL, "valid_from" date, "valid_to" date, "confidence" real NOT NULL, "source" text NOT NULL, "description" text, "created_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL DEFAULT '1', CONSTRAINT "ck_link_valid_range" CHECK (valid_to IS NULL OR valid_from IS NULL OR valid_to >= valid_from), CONSTRAINT "ck_link_confidence" CHECK (confidence >= 0 AND confidence <= 1), CONSTRAINT "ck_link_not_self" CHECK (from_id <> to_id), CONSTRAINT "ck_link_endpoints" CHECK ((kind = 'employed_by' AND from_type IN ('subject') AND to_type IN ('organization')) OR (kind = 'manages' AND from_type IN ('subject', 'organization') AND to_type IN ('subject', 'organization')) OR (kind = 'associate_of' AND from_type IN ('subject', 'organization') AND to_type IN ('subject', 'organization')) OR (kind = 'uses' AND from_type IN ('subject', 'organization') AND to_type IN ('selector')) OR (kind = 'owns' AND from_type IN ('subject', 'organization') AND to_type IN ('organization', 'selector')) OR (kind = 'paid' AND from_type IN ('subject', 'organization') AND to_type IN ('subject', 'organization', 'selector')) OR (kind = 'hosted_laptop_for' AND from_type IN ('subject') AND to_type IN ('subject', 'organization')) OR (kind = 'victim_of' AND from_type IN ('subject', 'organization') AND to_type IN ('subject', 'organization'))), CONSTRAINT "ck_link_types" CHECK (from_type IN ('subject', 'organization', 'selector') AND to_type IN ('subject', 'organization', 'selector')), CONSTRAINT "ck_link_kind" CHECK (kind IN ('employed_by', 'manages', 'associate_of', 'uses', 'owns', 'paid', 'hosted_laptop_for', 'victim_of')), CONSTRAINT "PK_26206fb7186da72fbb9eaa3fac9" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "idx_link_to" ON "link"  ("to_id", "kind") `);
    await queryRunner.query(`CREATE INDEX "idx_link_from" ON "link"  ("from_id", "kind") `);
    await queryRunner.query(`CREATE TABLE "organization" ("id" uuid NOT NULL, "name" text NOT NULL, "aliases" jsonb NOT NULL DEFAULT '[]', "country" text, "kind" text NOT NULL, "sanctions" jsonb NOT NULL DEFAULT '[]', "websites" jsonb NOT NULL DEFAULT '[]', "description" text, "created_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL DEFAULT '1', CONSTRAINT "ck_organization_country" CHECK (country IS NULL OR country ~ '^[A-Z]{2}$'), CONSTRAINT "ck_organization_kind" CHECK (kind IN ('front_company', 'employer', 'facilitator', 'financial_institution', 'other')), CONSTRAINT "PK_472c1f99a32def1b0abb219cd67" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "idx_organization_country" ON "organization"  ("country", "id") WHERE country IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX "idx_organization_kind" ON "organization"  ("kind", "id") `);
    await queryRunner.query(`CREATE TABLE "organization_name" ("organization_id" uuid NOT NULL, "ord" integer NOT NULL, "name" text NOT NULL, "kind" text NOT NULL, CONSTRAINT "ck_organization_name_kind" CHECK (kind IN ('name', 'alias')), CONSTRAINT "PK_8c9a50e7880dc2dd931cbd530d4" PRIMARY KEY ("organization_id", "ord"))`);
    await queryRunner.query(`CREATE TABLE "selector" ("id" uuid NOT NULL, "kind" text NOT NULL, "value" text NOT NULL, "normalized_value" text NOT NULL, "qualifier" text, "description" text, "created_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL DEFAULT '1', CONSTRAINT "ck_selector_kind" CHECK (kind IN ('email', 'phone', 'domain', 'url', 'username', 'crypto_wallet', 'bank_account', 'ip_address', 'device_serial', 'identity_document', 'stolen_identity')), CONSTRAINT "PK_8c8e63fff4870ab28499e6d2b21" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_selector_kind_value" ON "selector"  ("kind", "normalized_value") `);
    await queryRunner.query(`CREATE INDEX "idx_selector_kind" ON "selector"  ("kind", "id") `);
    await queryRunner.query(`CREATE TABLE "subject" ("id" uuid NOT NULL, "full_name" text NOT NULL, "aliases" jsonb NOT NULL DEFAULT '[]', "nationality" text, "dob_date" date, "dob_precision" text, "status" text NOT NULL, "charges" jsonb NOT NULL DEFAULT '[]', "indictment" jsonb, "description" text, "created_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL DEFAULT '1', CONSTRAINT "ck_subject_nationality" CHECK (nationality IS NULL OR nationality ~ '^[A-Z]{2}$'), CONSTRAINT "ck_subject_dob" CHECK ((dob_date IS NULL) = (dob_precision IS NULL) AND (dob_precision IS NULL OR dob_precision IN ('day', 'month', 'year'))), CONSTRAINT "ck_subject_status" CHECK (status IN ('unidentified', 'identified', 'charged', 'wanted', 'in_custody', 'convicted', 'cleared')), CONSTRAINT "PK_12eee115462e38d62e5455fc054" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "idx_subject_nationality" ON "subject"  ("nationality", "id") WHERE nationality IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX "idx_subject_status" ON "subject"  ("status", "id") `);
    await queryRunner.query(`CREATE TABLE "subject_name" ("subject_id" uuid NOT NULL, "ord" integer NOT NULL, "name" text NOT NULL, "kind" text NOT NULL, CONSTRAINT "ck_subject_name_kind" CHECK (kind IN ('full_name', 'alias')), CONSTRAINT "PK_6b59229020a3304b143b02be8a4" PRIMARY KEY ("subject_id", "ord"))`);
    await queryRunner.query(`ALTER TABLE "organization_name" ADD CONSTRAINT "fk_organization_name_organization" FOREIGN KEY ("organization_id") REFERENCES "organization"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "subject_name" ADD CONSTRAINT "fk_subject_name_subject" FOREIGN KEY ("subject_id") REFERENCES "subject"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);

    await queryRunner.query(`CREATE FUNCTION casefile_unaccent(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$`);
    await queryRunner.query(`CREATE FUNCTION casefile_name_key(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$ SELECT btrim(regexp_replace(lower(public.casefile_unaccent($1)), '[[:space:]_.,;:''"’‘\`()/\\\\‐‑‒–—-]+', ' ', 'g')) $$`);
    await queryRunner.query(`CREATE INDEX "idx_subject_name_trgm" ON "subject_name" USING gin (casefile_name_key(name) gin_trgm_ops)`);
    await queryRunner.query(`CREATE INDEX "idx_organization_name_trgm" ON "organization_name" USING gin (casefile_name_key(name) gin_trgm_ops)`);
    await queryRunner.query(`CREATE INDEX "idx_subject_charges" ON "subject" USING gin (charges jsonb_path_ops)`);
    await queryRunner.query(`CREATE FUNCTION subject_names_sync() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' THEN DELETE FROM subject_name WHERE subject_id = NEW.id; END IF;
        INSERT INTO subject_name (subject_id, ord, name, kind)
          SELECT NEW.id, 0, NEW.full_name, 'full_name'
          UNION ALL
          SELECT NEW.id, a.ord::int, a.alias->>'name', 'alias' FROM jsonb_array_elements(NEW.aliases) WITH ORDINALITY AS a(alias, ord);
        RETURN NULL;
      END $$`);
    await queryRunner.query(`CREATE TRIGGER trg_subject_names AFTER INSERT OR UPDATE OF full_name, aliases ON subject FOR EACH ROW EXECUTE FUNCTION subject_names_sync()`);
    await queryRunner.query(`CREATE FUNCTION organization_names_sync() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' THEN DELETE FROM organization_name WHERE organization_id = NEW.id; END IF;
        INSERT INTO organization_name (organization_id, ord, name, kind)
          SELECT NEW.id, 0, NEW.name, 'name'
          UNION ALL
          SELECT NEW.id, a.ord::int, a.alias->>'name', 'alias' FROM jsonb_array_elements(NEW.aliases) WITH ORDINALITY AS a(alias, ord);
        RETURN NULL;
      END $$`);
    await queryRunner.query(`CREATE TRIGGER trg_organization_names AFTER INSERT OR UPDATE OF name, aliases ON organization FOR EACH ROW EXECUTE FUNCTION organization_names_sync()`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER trg_organization_names ON organization`);
    await queryRunner.query(`DROP FUNCTION organization_names_sync()`);
    await queryRunner.query(`DROP TRIGGER trg_subject_names ON subject`);
    await queryRunner.query(`DROP FUNCTION subject_names_sync()`);
    await queryRunner.query(`DROP INDEX "public"."idx_subject_charges"`);
    await queryRunner.query(`DROP INDEX "public"."idx_organization_name_trgm"`);
    await queryRunner.query(`DROP INDEX "public"."idx_subject_name_trgm"`);
    await queryRunner.query(`ALTER TABLE "subject_name" DROP CONSTRAINT "fk_subject_name_subject"`);
    await queryRunner.query(`ALTER TABLE "organization_name" DROP CONSTRAINT "fk_organization_name_organization"`);
    await queryRunner.query(`DROP TABLE "subject_name"`);
    await queryRunner.query(`DROP INDEX "public"."idx_subject_status"`);
    await queryRunner.query(`DROP INDEX "public"."idx_subject_nationality"`);
    await queryRunner.query(`DROP TABLE "subject"`);
    await queryRunner.query(`DROP INDEX "public"."idx_selector_kind"`);
    await queryRunner.query(`DROP INDEX "public"."uq_selector_kind_value"`);
    await queryRunner.query(`DROP TABLE "selector"`);
    await queryRunner.query(`DROP TABLE "organization_name"`);
    await queryRunner.query(`DROP INDEX "public"."idx_organization_kind"`);
    await queryRunner.query(`DROP INDEX "public"."idx_organization_country"`);
    await queryRunner.query(`DROP TABLE "organization"`);
    await queryRunner.query(`DROP INDEX "public"."idx_link_from"`);
    await queryRunner.query(`DROP INDEX "public"."idx_link_to"`);
    await queryRunner.query(`DROP TABLE "link"`);
    await queryRunner.query(`DROP FUNCTION casefile_name_key(text)`);
    await queryRunner.query(`DROP FUNCTION casefile_unaccent(text)`);
  }
}
