import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import type { NoticeFacts, NoticeFactsRequest } from '@berkas/contracts';
import { Handles } from '@berkas/messaging';
import { NoticeFactsService } from './notice-facts.service';

/** What the notifications service reads to tell people about a file (proto: callers, services only). */
@Controller()
export class NoticesController {
  constructor(private readonly notices: NoticeFactsService) {}

  @Handles('permits.notices.facts')
  facts(@Payload() req: NoticeFactsRequest): Promise<NoticeFacts> {
    return this.notices.facts(req.applicationId, req.historySeq);
  }
}
