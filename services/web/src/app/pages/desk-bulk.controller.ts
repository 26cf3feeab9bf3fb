import { Body, Controller, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { TeamBoard } from '@berkas/contracts';
import { ApiClient, ApiProblem } from '../api/api-client';
import { AgencyDirectory } from '../desk/agency-directory';
import { requireOfficer, supervisesOwnAgency } from '../desk/officer-only';
import { langOf, translate } from '../i18n/catalogue';
import { AccessToken, SignedInGuard } from '../sessions/signed-in.guard';
import { PageRenderer } from '../views/page-renderer';
import { field, fieldList } from './form-errors';
import { UUID_V4 } from './input-rules';

/** Tasks one bulk form may carry: a desk page's worth and a little more. */
const MAX_ITEMS = 50;

/** A task the form names: its id, and the tracking number its row showed (for the result table). */
interface Item {
  id: string;
  trackingNumber: string;
}

/** One task's outcome: done, or refused with the API's reason in its words. */
interface Outcome extends Item {
  ok: boolean;
  reason?: string;
}

/** Why a task was refused, in the reader's words, for the refusals a bulk run meets. */
const REASONS: Record<string, string> = {
  TASK_TAKEN: 'bulk.reason.taken',
  TASK_CLOSED: 'bulk.reason.closed',
  FORBIDDEN: 'bulk.reason.forbidden',
  NOT_FOUND: 'bulk.reason.notFound',
  VALIDATION_FAILED: 'bulk.reason.notTheirRole',
  RATE_LIMITED: 'bulk.reason.tooMany',
  IN_TRANSIT: 'bulk.reason.inTransit',
  DOSSIER_CLOSED: 'bulk.reason.dossierClosed',
};
/** A hand-off refused because the paper dossier is not the officer's agency's to send. */
const NOT_HELD: Record<string, string> = {
  FORBIDDEN: 'bulk.reason.notHeld',
  NOT_FOUND: 'bulk.reason.notHeld',
};

type Verb = 'ambil' | 'alihkan' | 'kirim';
const VERBS: readonly Verb[] = ['ambil', 'alihkan', 'kirim'];

/** A desk row's checkbox value, `id:tracking-number`; anything else is dropped. */
function itemOf(value: string): Item | null {
  const [id, trackingNumber = ''] = value.split(':');
  return UUID_V4.test(id) && /^[0-9A-Z-]{0,40}$/.test(trackingNumber) ? { id, trackingNumber } : null;
}

/**
 * Bulk work on the desk: the ticked tasks claimed, (a supervisor's) given to one officer with a
 * reason, or their files' paper dossiers handed to one agency, one after another. The result is a table of what succeeded and what failed and why, with
 * the failed ones offered again in one click.
 */
@Controller('meja/massal')
@UseGuards(SignedInGuard)
export class DeskBulkController {
  constructor(
    private readonly api: ApiClient,
    private readonly pages: PageRenderer,
    private readonly directory: AgencyDirectory,
  ) {}

  @Post()
  async run(
    @Body() body: unknown,
    @AccessToken() token: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    requireOfficer(req);
    const lang = langOf(req);
    const items = fieldList(body, 'tugas', MAX_ITEMS, 80)
      .map(itemOf)
      .filter((i): i is Item => !!i);
    const asked = field(body, 'tindakan', 20) as Verb;
    const verb: Verb = VERBS.includes(asked) ? asked : 'ambil';
    const to = field(body, 'kepada', 36);
    const reason = field(body, 'alasan', 500);
    const note = field(body, 'catatan', 2000);
    // A hand-off sends each ticked file's paper dossier to one agency of the directory.
    const agency =
      verb === 'kirim'
        ? (await this.directory.addressees(req, token)).find((a) => a.id === field(body, 'ke', 36))
        : undefined;
    // Whom a reassignment may go to is the supervisor's team; a claim needs no board.
    const team =
      verb === 'alihkan' && supervisesOwnAgency(req)
        ? await this.api.get<TeamBoard>(req, '/team', token)
        : null;
    const officer = team?.members.find((m) => m.staffId === to);
    const problem = !items.length
      ? 'bulk.errors.noneChosen'
      : verb === 'alihkan' && !officer
        ? 'bulk.errors.chooseOfficer'
        : verb === 'alihkan' && reason.length < 3
          ? 'bulk.errors.reason'
          : verb === 'kirim' && !agency
            ? 'bulk.errors.chooseAgency'
            : null;
    if (problem) throw new ApiProblem(400, 'VALIDATION_FAILED', translate(lang, problem));
    const outcomes: Outcome[] = [];
    for (const item of items) {
      try {
        if (verb === 'ambil') await this.api.post(req, `/tasks/${item.id}/claim`, {}, token);
        else if (verb === 'alihkan')
          await this.api.post(req, `/tasks/${item.id}/reassign`, { staffId: to, reason }, token);
        else
          await this.api.post(
            req,
            `/dossiers/${item.trackingNumber}/handoffs`,
            { toAgencyId: agency?.id, ...(note ? { note } : {}) },
            token,
          );
        outcomes.push({ ...item, ok: true });
      } catch (e) {
        if (!(e instanceof ApiProblem) || e.status >= 500) throw e;
        const known = (verb === 'kirim' && NOT_HELD[e.code]) || REASONS[e.code];
        outcomes.push({ ...item, ok: false, reason: known ? translate(lang, known) : e.message });
      }
    }
    this.pages.send(req, res, 'pages/desk-bulk', {
      verb,
      officer,
      agency,
      reason,
      note,
      outcomes,
      failed: outcomes.filter((o) => !o.ok),
    });
  }
}
