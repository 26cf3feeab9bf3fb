import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { currentPrincipal, requirePrincipal } from '@berkas/auth';
import {
  AppError,
  type ApplicationMessagesRequest,
  type FileMessages,
  type Principal,
} from '@berkas/contracts';
import { Handles } from '@berkas/messaging';
import { maskAddress } from '../../domain/channel-choice';

const MAX_LISTED = 200;

/** What was sent about a file, for whoever may read it: its applicant, its company, its region's officers. */
@Controller()
export class FileMessagesController {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  @Handles('notifications.messages.for-application')
  async forApplication(@Payload() req: ApplicationMessagesRequest): Promise<FileMessages> {
    const principal = requirePrincipal(currentPrincipal());
    const rows = (await this.dataSource.query(
      `SELECT id, notice, channel, address, recipient_name, recipient_kind, status, reason, created_at,
              updated_at, fallback_for, applicant_id, company_id, region_code
       FROM messages WHERE application_id = $1 ORDER BY created_at DESC, id LIMIT $2`,
      [req.applicationId, MAX_LISTED],
    )) as MessageRow[];
    // Someone who may not read the file learns nothing of it, not even that it exists.
    if (rows.length && !mayRead(principal, rows[0]))
      throw new AppError('NOT_FOUND', 404, 'No such application');
    // An officer sees who was told what; an applicant sees what their file's people were told.
    const visible = principal.kind === 'staff' ? rows : rows.filter((r) => r.recipient_kind === 'applicant');
    return {
      items: visible.map((r) => ({
        id: r.id,
        notice: r.notice,
        channel: r.channel,
        recipient: { name: r.recipient_name, address: maskAddress(r.address), kind: r.recipient_kind },
        status: r.status,
        reason: r.reason,
        createdAt: r.created_at.toISOString(),
        updatedAt: r.updated_at.toISOString(),
        fallbackFor: r.fallback_for,
      })),
    };
  }
}

type FileMessage = FileMessages['items'][number];

/** A row of messages as the list reads it, with whose file it is. */
interface MessageRow extends FileOwner {
  id: string;
  notice: string;
  channel: FileMessage['channel'];
  address: string;
  recipient_name: string;
  recipient_kind: FileMessage['recipient']['kind'];
  status: FileMessage['status'];
  reason: string | null;
  created_at: Date;
  updated_at: Date;
  fallback_for: string | null;
}

interface FileOwner {
  applicant_id: string | null;
  company_id: string | null;
  region_code: string | null;
}

function mayRead(principal: Principal, file: FileOwner): boolean {
  if (principal.kind === 'staff') return !!principal.region && principal.region === file.region_code;
  if (principal.kind !== 'applicant') return false;
  return principal.id === file.applicant_id || (!!file.company_id && principal.companyId === file.company_id);
}
