import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { AREA_CODE } from '@berkas/contracts';
import { PageQuery } from '../validation/list-query.dto';

export class TaskInboxQuery extends PageQuery {
  /** `agency`: open tasks for my agency and roles (the default); `mine`: the ones I claimed. */
  @IsOptional()
  @IsIn(['agency', 'mine'])
  scope?: 'agency' | 'mine';

  @IsOptional()
  @IsString()
  @MaxLength(60)
  stage?: string;

  @IsOptional()
  @IsString()
  @MaxLength(40)
  permitType?: string;

  /** Only files whose form names a place in this kecamatan (32.71.01) or kelurahan/desa (32.71.01.1001). */
  @IsOptional()
  @Matches(AREA_CODE, {
    message: 'area must be a kecamatan or kelurahan code',
  })
  area?: string;

  /** Only tasks past their due date. */
  @IsOptional()
  @IsIn(['true', 'false'])
  overdue?: 'true' | 'false';

  /** Only tasks in this due state: no clock yet, on time, due today or the next working day, late. */
  @IsOptional()
  @IsIn(['waiting', 'on-time', 'due-soon', 'overdue'])
  dueState?: 'waiting' | 'on-time' | 'due-soon' | 'overdue';

  /** A tracking number, a NIK or NIB, or words of the permit holder's name. */
  @IsOptional()
  @IsString()
  @MinLength(2)
  @MaxLength(100)
  q?: string;

  /** Count the queues too (each up to 100). */
  @IsOptional()
  @IsIn(['true', 'false'])
  counts?: 'true' | 'false';
}

export class TeamBoardQuery {
  /** The agency whose team; the supervisor's own by default. */
  @IsOptional()
  @IsUUID('4')
  agencyId?: string;
}

export class WorkflowQuery {
  /** A published version; the latest when left out. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100000)
  version?: number;
}
