import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { requirePrincipal, requireRole } from '@berkas/auth';
import {
  AppError,
  type Principal,
  type StaffRole,
  type TeamBoard,
  type TeamBoardRequest,
  type TeamLoad,
} from '@berkas/contracts';
import { ServiceClient } from '@berkas/messaging';
import { CalendarService } from '../calendar/calendar.service';

/** The roles whose officers work files (the board's rows); admins administer, they do not hold tasks. */
const WORKING_ROLES: StaffRole[] = ['front-office', 'verifier', 'reviewer', 'supervisor'];

type Member = TeamBoard['members'][number];
const noLoad = (): TeamLoad => ({ open: 0, dueSoon: 0, overdue: 0 });

/**
 * A supervisor's board of their agency: each officer who works files with their open tasks, how
 * many are due today or the next working day (the region's calendar) and how many are overdue,
 * and the same for the queue nobody has claimed. Who the officers are is identity's answer, asked
 * before reading the tasks; the tasks are counted in one statement.
 */
@Injectable()
export class TeamBoardService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly services: ServiceClient,
    private readonly calendars: CalendarService,
  ) {}

  async board(p: Principal | undefined, req: TeamBoardRequest): Promise<TeamBoard> {
    const officer = requirePrincipal(p);
    const agencyId = req.agencyId ?? officer.agencyId;
    if (!agencyId) throw AppError.invalid('/agencyId', 'is required');
    requireRole(officer, ['supervisor'], agencyId);
    const lists = await Promise.all(
      WORKING_ROLES.map((role) =>
        this.services.request('identity.staff.members-of-role', { agencyId, role }, { asService: true }),
      ),
    );
    const agency = lists[0].agency;
    const members = new Map<string, Member>();
    for (const list of lists)
      for (const { staffId, name, nip } of list.members) {
        const member = members.get(staffId) ?? { staffId, name, nip, roles: [], load: noLoad() };
        member.roles.push(list.role);
        members.set(staffId, member);
      }
    const now = new Date();
    const soon = (await this.calendars.forRegion(agency.regionCode)).addWorkingDays(now, 1);
    const rows: Array<{ claimedBy: string | null } & TeamLoad> = await this.dataSource.query(
      `SELECT claimed_by AS "claimedBy", count(*)::int AS open,
              count(*) FILTER (WHERE due_at >= $2 AND due_at <= $3)::int AS "dueSoon",
              count(*) FILTER (WHERE due_at < $2)::int AS overdue
       FROM tasks WHERE agency_id = $1 AND status IN ('open', 'claimed') GROUP BY claimed_by`,
      [agencyId, now, soon],
    );
    let unclaimed = noLoad();
    for (const { claimedBy, ...load } of rows) {
      if (!claimedBy) unclaimed = load;
      // Tasks still held by someone no longer active here: shown, so the supervisor moves them on.
      else
        members.set(claimedBy, {
          ...(members.get(claimedBy) ?? { staffId: claimedBy, name: '', nip: '', roles: [] }),
          load,
        });
    }
    const order = (m: Member) => [-m.load.overdue, -m.load.dueSoon, m.name] as const;
    return {
      agency,
      members: [...members.values()].sort((a, b) => {
        const [x, y] = [order(a), order(b)];
        return x[0] - y[0] || x[1] - y[1] || x[2].localeCompare(y[2]);
      }),
      unclaimed,
    };
  }
}
