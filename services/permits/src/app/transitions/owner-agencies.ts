import { Injectable } from '@nestjs/common';
import { AppError } from '@berkas/contracts';
import { ServiceClient } from '@berkas/messaging';
import type { TaskStage, WorkflowDefinition } from '../../domain/workflow-definition';

/** An agency closed in identity stops getting new tasks within this long. */
const CACHE_MS = 5 * 60 * 1000;

/** Agency ids by code, for the owners of one workflow's stages in one region. */
export type OwnerAgencies = ReadonlyMap<string, string>;

/** The agency codes owning the workflow's task stages. */
const ownerCodes = (def: WorkflowDefinition): string[] => [
  ...new Set(
    Object.values(def.stages)
      .filter((s): s is TaskStage => s.kind === 'task')
      .map((s) => s.owner.agencyCode),
  ),
];

/**
 * Stage owners are agency codes in a definition; identity knows their ids in a file's region. They
 * are asked for before a transition's transaction (never inside its lock) for every stage of the
 * workflow at once, and remembered for a while: an agency keeps its id for good.
 */
@Injectable()
export class OwnerAgencyDirectory {
  private readonly known = new Map<string, { id: string; at: number }>();

  constructor(private readonly services: ServiceClient) {}

  async of(regionCode: string, def: WorkflowDefinition): Promise<OwnerAgencies> {
    const codes = ownerCodes(def);
    const ids = await Promise.all(codes.map((code) => this.idOf(regionCode, code)));
    return new Map(codes.flatMap((code, i) => (ids[i] ? [[code, ids[i]] as [string, string]] : [])));
  }

  /** The owners as remembered, without asking identity; null if one of them is not (or no longer). */
  remembered(regionCode: string, def: WorkflowDefinition): OwnerAgencies | null {
    const owners = new Map<string, string>();
    for (const code of ownerCodes(def)) {
      const hit = this.known.get(`${regionCode}/${code}`);
      if (!hit || Date.now() - hit.at >= CACHE_MS) return null;
      owners.set(code, hit.id);
    }
    return owners;
  }

  /** The owner's id, or a 409 naming the stage's agency the region lacks. */
  static require(owners: OwnerAgencies, regionCode: string, code: string): string {
    const id = owners.get(code);
    if (!id)
      throw new AppError(
        'WORKFLOW_OWNER_MISSING',
        409,
        `Region ${regionCode} has no agency ${code} to handle this stage`,
      );
    return id;
  }

  private async idOf(regionCode: string, code: string): Promise<string | null> {
    const key = `${regionCode}/${code}`;
    const hit = this.known.get(key);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.id;
    try {
      const agency = await this.services.request(
        'identity.agencies.get',
        { regionCode, code },
        { asService: true },
      );
      this.known.set(key, { id: agency.id, at: Date.now() });
      return agency.id;
    } catch (e) {
      if (e instanceof AppError && e.status === 404) return null; // not remembered: it may be added any time
      throw e;
    }
  }
}
