import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { ENUMS, type StaffRole } from '@berkas/contracts';

const toBoolean = ({ value }: { value: unknown }) =>
  value === 'true' ? true : value === 'false' ? false : value;

/** Keyset pagination, the same on every list route: `limit` and the previous page's `nextCursor` as `after`. */
export class PageQuery {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @IsOptional()
  @IsString()
  @MaxLength(300)
  after?: string;
}

export class AgencyListQuery extends PageQuery {
  @IsOptional()
  @Matches(/^[0-9]{4}$/, { message: 'must be a 4-digit BPS region code' })
  regionCode?: string;

  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  includeInactive?: boolean;
}

export class StaffListQuery extends PageQuery {
  @IsUUID()
  agencyId: string;

  @IsOptional()
  @IsIn([...ENUMS.StaffRole])
  role?: StaffRole;

  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  includeInactive?: boolean;
}

export class DelegationListQuery {
  @IsUUID()
  agencyId: string;

  /** Also those that ended or were revoked. */
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  includeEnded?: boolean;
}
