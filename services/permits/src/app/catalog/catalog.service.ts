import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { requireRole } from '@berkas/auth';
import {
  AppError,
  assertSchema,
  type FormField,
  type LevyEstimate,
  type LevyEstimateRequest,
  type Principal,
  type RequiredDocument,
  type PermitType,
  type PublishedWorkflow,
  type WorkflowVersion,
} from '@berkas/contracts';
import { ServiceClient } from '@berkas/messaging';
import { formProblems } from '../../domain/application-form';
import { evaluateFee, formulaInputs } from '../../domain/fee-formula';
import { owners, validateDefinition, type WorkflowDefinition } from '../../domain/workflow-definition';
import { WorkflowVersionRecord } from './catalog.entity';

const DATA = join(__dirname, '../../../data');
const PUBLISH_LOCK = 0x77666c77; // "wflw"

export interface PermitTypeDefinition {
  code: string;
  name: { id: string; en: string };
  /** What the permit is for, in the applicant's words. */
  purpose: { id: string; en: string };
  /** The laws and regulations it rests on. */
  legalBasis: string[];
  issuingAgency: string;
  workflow: string;
  validityMonths: number | null;
  number: { classification: string; code: string };
  form: FormField[];
  requiredDocuments: RequiredDocument[];
  /** Printed on the permit (Indonesian, as the decision letter is). */
  conditions: string[];
}

/** Who publishes the shipped definitions, as `published_by` records it. */
const SYSTEM_PUBLISHER = 'system';

/**
 * The catalog: permit types (data/permit-types.json) and the published versions of their workflows.
 * On start each shipped workflow (data/workflows/*.json) is published: as version 1 the first time,
 * and as the next version when a release ships a changed definition and the latest published one is
 * the system's own (files in flight keep the version they started on). Once an operator has
 * published a version (`permits.workflows.publish`), theirs stays: a changed shipped definition is
 * then only reported, for them to take up.
 */
@Injectable()
export class CatalogService implements OnModuleInit {
  private readonly logger = new Logger('Catalog');
  private readonly types: PermitTypeDefinition[] = JSON.parse(
    readFileSync(join(DATA, 'permit-types.json'), 'utf8'),
  );

  private readonly definitions = new Map<string, WorkflowDefinition>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly services: ServiceClient,
  ) {}

  async onModuleInit(): Promise<void> {
    for (const file of readdirSync(join(DATA, 'workflows')).filter((f) => f.endsWith('.json'))) {
      const definition = assertSchema<WorkflowDefinition>(
        'WorkflowDefinition',
        JSON.parse(readFileSync(join(DATA, 'workflows', file), 'utf8')),
        `data/workflows/${file}`,
      );
      const problems = validateDefinition(definition);
      if (problems.length)
        throw new Error(`shipped workflow ${file} is invalid: ${JSON.stringify(problems)}`);
      await this.dataSource.transaction(async (m) => {
        await m.query('SELECT pg_advisory_xact_lock($1)', [PUBLISH_LOCK]);
        const latest = await m
          .getRepository(WorkflowVersionRecord)
          .findOne({ where: { code: definition.code }, order: { version: 'DESC' } });
        // Compared as values, not as text: an equal definition may list its keys in another order.
        if (latest && isDeepStrictEqual(latest.definition, definition)) return;
        if (latest && latest.publishedBy !== SYSTEM_PUBLISHER) {
          this.logger.warn(
            `data/workflows/${file} differs from ${definition.code} v${latest.version}, which an operator published: theirs stays`,
          );
          return;
        }
        const version = (latest?.version ?? 0) + 1;
        await m.insert(WorkflowVersionRecord, {
          code: definition.code,
          version,
          definition,
          publishedAt: new Date(),
          publishedBy: SYSTEM_PUBLISHER,
        });
        this.logger.log(`published ${definition.code} v${version} from data/workflows/${file}`);
      });
    }
  }

  type(code: string): PermitTypeDefinition {
    const type = this.types.find((t) => t.code === code);
    if (!type) throw new AppError('NOT_FOUND', 404, `No permit type ${code}`);
    return type;
  }

  async list(): Promise<PermitType[]> {
    return Promise.all(this.types.map((t) => this.view(t.code)));
  }

  async view(code: string): Promise<PermitType> {
    const t = this.type(code);
    const current = await this.current(t.workflow);
    return {
      code: t.code,
      name: t.name,
      issuingAgency: t.issuingAgency,
      serviceStandardDays: current.definition.serviceStandardDays,
      workflow: t.workflow,
      workflowVersion: current.version,
      form: t.form,
      requiredDocuments: t.requiredDocuments,
      validityMonths: t.validityMonths,
      purpose: t.purpose,
      legalBasis: t.legalBasis,
      levy: levyOf(current.definition),
    };
  }

  /** The fields a levy formula reads, one array per type and inputs (its compiled validator is kept). */
  private readonly levyFieldLists = new Map<string, FormField[]>();
  private levyFields(t: PermitTypeDefinition, inputs: string[]): FormField[] {
    const key = `${t.code}:${inputs.join(',')}`;
    let fields = this.levyFieldLists.get(key);
    if (!fields) this.levyFieldLists.set(key, (fields = t.form.filter((f) => inputs.includes(f.name))));
    return fields;
  }

  /**
   * The levy for `values` of the fields the current workflow's formula reads, as the bill will
   * compute it: for an applicant deciding whether to apply. Each field is held to its form rules.
   */
  async levyEstimate(req: LevyEstimateRequest): Promise<LevyEstimate> {
    const t = this.type(req.code);
    const levy = levyOf((await this.current(t.workflow)).definition);
    if (!levy) throw new AppError('NOT_FOUND', 404, `${t.code} has no levy`);
    const fields = this.levyFields(t, levy.inputs);
    const problems = formProblems(fields, req.values, true).map((p) => ({
      ...p,
      path: p.path.replace(/^\/form\//, '/values/'),
    }));
    if (problems.length) throw new AppError('VALIDATION_FAILED', 400, 'The values have problems', problems);
    try {
      return { amount: evaluateFee(levy.formula, req.values), currency: levy.currency };
    } catch (e) {
      throw new AppError('FEE_NOT_COMPUTABLE', 409, `The levy cannot be computed: ${(e as Error).message}`);
    }
  }

  async current(workflow: string): Promise<WorkflowVersionRecord> {
    const latest = await this.dataSource
      .getRepository(WorkflowVersionRecord)
      .findOne({ where: { code: workflow }, order: { version: 'DESC' } });
    if (!latest) throw new AppError('NOT_FOUND', 404, `Workflow ${workflow} is not published`);
    return latest;
  }

  /**
   * A published version never changes, so each is read once. Every transition needs its definition
   * while it holds a transaction's connection; asking the pool for another one there deadlocked the
   * service under 16 concurrent actions (BENCHMARKS.md, workflow transitions). Inside a
   * transaction, pass its manager for the first read.
   */
  async version(
    workflow: string,
    version: number,
    m: EntityManager = this.dataSource.manager,
  ): Promise<WorkflowDefinition> {
    const key = `${workflow}@${version}`;
    const known = this.definitions.get(key);
    if (known) return known;
    const row = await m.getRepository(WorkflowVersionRecord).findOneBy({ code: workflow, version });
    if (!row) throw new Error(`workflow ${workflow} v${version} is missing`);
    this.definitions.set(key, row.definition);
    return row.definition;
  }

  /** Validates (structure, then that every owner agency exists in the publisher's region) and publishes. */
  async publish(p: Principal | undefined, definition: WorkflowDefinition): Promise<WorkflowVersion> {
    requireRole(p, ['system-admin']);
    const problems = validateDefinition(definition);
    if (!problems.length && p?.region) {
      for (const owner of owners(definition)) {
        const exists = await this.services
          .request('identity.agencies.get', { regionCode: p.region, code: owner.agencyCode })
          .then(
            () => true,
            (e) => (e instanceof AppError && e.status === 404 ? false : Promise.reject(e)),
          );
        if (!exists)
          problems.push({
            path: `/stages/${owner.stage}/owner/agencyCode`,
            message: `${owner.agencyCode} is no agency of region ${p.region}`,
          });
      }
    }
    if (problems.length)
      throw new AppError('INVALID_WORKFLOW', 400, `The workflow has ${problems.length} problem(s)`, problems);
    return this.dataSource.transaction(async (m) => {
      await m.query('SELECT pg_advisory_xact_lock($1)', [PUBLISH_LOCK]);
      const [{ max }] = await m.query(
        'SELECT coalesce(max(version), 0) AS max FROM workflow_versions WHERE code = $1',
        [definition.code],
      );
      const row = {
        code: definition.code,
        version: Number(max) + 1,
        definition,
        publishedAt: new Date(),
        publishedBy: p?.id ?? SYSTEM_PUBLISHER,
      };
      await m.insert(WorkflowVersionRecord, row);
      return {
        code: row.code,
        version: row.version,
        publishedAt: row.publishedAt.toISOString(),
        publishedBy: row.publishedBy,
      };
    });
  }

  /** A published workflow in full: the latest version, or the one asked for. */
  async published(code: string, version?: number): Promise<PublishedWorkflow> {
    const row = version
      ? await this.dataSource.getRepository(WorkflowVersionRecord).findOneBy({ code, version })
      : await this.current(code).catch(() => null);
    if (!row)
      throw new AppError('NOT_FOUND', 404, `No published workflow ${code}${version ? ` v${version}` : ''}`);
    return {
      code: row.code,
      version: row.version,
      publishedAt: row.publishedAt.toISOString(),
      definition: row.definition,
    };
  }

  async versions(code: string): Promise<WorkflowVersion[]> {
    const rows = await this.dataSource
      .getRepository(WorkflowVersionRecord)
      .find({ where: { code }, order: { version: 'DESC' } });
    return rows.map((r) => ({
      code: r.code,
      version: r.version,
      publishedAt: r.publishedAt.toISOString(),
      publishedBy: r.publishedBy,
    }));
  }
}

/** The first stage of a workflow that bills a levy, as a permit type's page shows it; null if none. */
function levyOf(def: WorkflowDefinition): PermitType['levy'] {
  for (const stage of Object.values(def.stages)) {
    if (stage.kind !== 'task' || !stage.fee) continue;
    const { formula, currency } = stage.fee;
    return { stage: stage.label, formula, currency, inputs: formulaInputs(formula) };
  }
  return null;
}
