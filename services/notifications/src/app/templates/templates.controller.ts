import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { currentPrincipal, requirePrincipal } from '@berkas/auth';
import type {
  NoticeTemplateDetail,
  NoticeTemplateList,
  NoticeTemplatePreview,
  NoticeTemplateRef,
  NoticeTemplateVersion,
  PreviewNoticeTemplateRequest,
  PublishNoticeTemplateRequest,
  SaveNoticeTemplateDraftRequest,
} from '@berkas/contracts';
import { Handles } from '@berkas/messaging';
import { TemplateEditor, type Editor } from './template-editor';

/** The notices' wording as a system-admin edits it (proto says who may call; the bus checks it first). */
@Controller()
export class TemplatesController {
  constructor(private readonly editor: TemplateEditor) {}

  @Handles('notifications.templates.list')
  list(): Promise<NoticeTemplateList> {
    return this.editor.list();
  }

  @Handles('notifications.templates.get')
  get(@Payload() req: NoticeTemplateRef): Promise<NoticeTemplateDetail> {
    return this.editor.detail(req.kind, req.language);
  }

  @Handles('notifications.templates.preview')
  preview(@Payload() req: PreviewNoticeTemplateRequest): Promise<NoticeTemplatePreview> {
    return this.editor.preview(req.kind, req.language, req.version);
  }

  @Handles('notifications.templates.save-draft')
  saveDraft(@Payload() req: SaveNoticeTemplateDraftRequest): Promise<NoticeTemplateVersion> {
    const { kind, language, subject, email, sms, whatsapp } = req;
    return this.editor.saveDraft(kind, language, { subject, email, sms, whatsapp }, editor());
  }

  @Handles('notifications.templates.publish')
  publish(@Payload() req: PublishNoticeTemplateRequest): Promise<NoticeTemplateVersion> {
    return this.editor.publish(req.kind, req.language, req.version, editor());
  }
}

/** The officer acting, as the versions record them. */
function editor(): Editor {
  const principal = requirePrincipal(currentPrincipal());
  return { id: principal.id, name: principal.name ?? principal.id };
}
