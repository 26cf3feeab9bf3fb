import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { currentPrincipal as principal } from '@berkas/auth';
import type {
  HandoffReceipt,
  IdRequest,
  RefuseHandoffRequest,
  ResolveHandoffRequest,
  SendHandoffRequest,
} from '@berkas/contracts';
import { HandoffsService } from './handoffs.service';
import { Handles } from '@berkas/messaging';

@Controller()
export class HandoffsController {
  constructor(private readonly handoffs: HandoffsService) {}

  @Handles('tracking.handoffs.send')
  send(@Payload() req: SendHandoffRequest): Promise<HandoffReceipt> {
    return this.handoffs.send(principal(), req);
  }

  @Handles('tracking.handoffs.receive')
  receive(@Payload() req: ResolveHandoffRequest): Promise<HandoffReceipt> {
    return this.handoffs.receive(principal(), req);
  }

  @Handles('tracking.handoffs.refuse')
  refuse(@Payload() req: RefuseHandoffRequest): Promise<HandoffReceipt> {
    return this.handoffs.refuse(principal(), req);
  }

  @Handles('tracking.handoffs.get')
  get(@Payload() req: IdRequest): Promise<HandoffReceipt> {
    return this.handoffs.get(principal(), req.id);
  }
}
