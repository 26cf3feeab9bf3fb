import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { Roles } from '@berkas/auth';
import type {
  MessageLanguage,
  NoticeTemplateDetail,
  NoticeTemplateList,
  NoticeTemplatePreview,
  NoticeTemplateVersion,
} from '@berkas/contracts';
import { ServiceClient } from '@berkas/messaging';
import { PublishNoticeTemplateBody, SaveNoticeTemplateDraftBody } from '../../generated/bodies';
import { Calls } from '../openapi/calls.decorator';
import { NoticeTemplatePreviewQuery } from './notice-templates.dto';

/**
 * The wording of the notices Berkas sends, per notice and language, as a system-admin edits it: drafts,
 * previews with example values, publishing, every version kept. Notifications checks each text's rules.
 */
@Controller('api/v1/notification-templates')
@Roles('system-admin')
export class NoticeTemplatesController {
  constructor(private readonly notifications: ServiceClient) {}

  @Get()
  @Calls('notifications.templates.list')
  list(): Promise<NoticeTemplateList> {
    return this.notifications.request('notifications.templates.list', {});
  }

  @Get(':kind/:language')
  @Calls('notifications.templates.get')
  get(
    @Param('kind') kind: string,
    @Param('language') language: MessageLanguage,
  ): Promise<NoticeTemplateDetail> {
    return this.notifications.request('notifications.templates.get', { kind, language });
  }

  @Get(':kind/:language/preview')
  @Calls('notifications.templates.preview')
  preview(
    @Param('kind') kind: string,
    @Param('language') language: MessageLanguage,
    @Query() query: NoticeTemplatePreviewQuery,
  ): Promise<NoticeTemplatePreview> {
    return this.notifications.request('notifications.templates.preview', { kind, language, ...query });
  }

  @Post(':kind/:language/drafts')
  @Calls('notifications.templates.save-draft')
  saveDraft(
    @Param('kind') kind: string,
    @Param('language') language: MessageLanguage,
    @Body() body: SaveNoticeTemplateDraftBody,
  ): Promise<NoticeTemplateVersion> {
    return this.notifications.request('notifications.templates.save-draft', { ...body, kind, language });
  }

  @Post(':kind/:language/publish')
  @HttpCode(200)
  @Calls('notifications.templates.publish')
  publish(
    @Param('kind') kind: string,
    @Param('language') language: MessageLanguage,
    @Body() body: PublishNoticeTemplateBody,
  ): Promise<NoticeTemplateVersion> {
    return this.notifications.request('notifications.templates.publish', { ...body, kind, language });
  }
}
