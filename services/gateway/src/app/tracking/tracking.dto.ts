import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { PageQuery } from '../validation/list-query.dto';

export class InboxQuery extends PageQuery {
  @IsOptional()
  @IsIn(['held', 'incoming', 'outgoing', 'all'])
  scope?: 'held' | 'incoming' | 'outgoing' | 'all';

  @IsOptional()
  @IsIn(['permit-application', 'letter', 'report', 'audit', 'other'])
  kind?: 'permit-application' | 'letter' | 'report' | 'audit' | 'other';

  /** Defaults to the signed-in officer's own agency. */
  @IsOptional()
  @IsUUID('4')
  agencyId?: string;
}

export class DownloadQuery {
  /** `url`: answer a short-lived presigned link instead of the bytes. */
  @IsOptional()
  @IsIn(['stream', 'url'])
  mode?: 'stream' | 'url';
}
