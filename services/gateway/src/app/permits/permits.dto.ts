import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
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
}
