import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { WorkflowDefinition } from '../../domain/workflow-definition';

/** An immutable published version of a workflow definition. */
@Entity('workflow_versions')
export class WorkflowVersionRecord {
  @PrimaryColumn('text')
  code: string;

  @PrimaryColumn('int')
  version: number;

  @Column('json')
  definition: WorkflowDefinition;

  @Column('timestamptz')
  publishedAt: Date;

  @Column('text')
  publishedBy: string;
}
