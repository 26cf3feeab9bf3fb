import { Controller, Get, Param } from '@nestjs/common';
import type { FileMessages } from '@berkas/contracts';
import { ServiceClient } from '@berkas/messaging';
import { Calls } from '../openapi/calls.decorator';
import { uuidParam } from '../validation/validation.pipe';

/** What Berkas told people about a file, and whether it reached them. */
@Controller('api/v1')
export class FileMessagesController {
  constructor(private readonly services: ServiceClient) {}

  /** Whoever may read the file (permits decides, exactly as for the file itself) reads its messages. */
  @Get('applications/:id/messages')
  @Calls('notifications.messages.for-application', { then: ['permits.applications.get'] })
  async list(@Param('id', uuidParam()) applicationId: string): Promise<FileMessages> {
    await this.services.request('permits.applications.get', { id: applicationId });
    return this.services.request('notifications.messages.for-application', { applicationId });
  }
}
