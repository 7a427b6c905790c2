import { currentActor, currentClientIp, currentRequestId } from '@app/common';
import { NewAuditEvent } from './repositories/audit.repository';

// Who acted: a user with their role, or a user whose role the message does not carry (a logout), or nobody.
export interface AuditActor {
  id: string;
  role: string | null;
}

export interface AuditTarget {
  type: string;
  id: string;
}

// One audit event for the current request: its id and the client's address come from the request context
// (carried from the gateway in the message headers). Details never hold a password or a token.
export function auditEvent(action: string, actor: AuditActor | null, target: AuditTarget | null, details: Record<string, unknown> = {}): NewAuditEvent {
  return {
    action,
    outcome: 'success',
    actor: actor ? { id: actor.id, role: actor.role } : null,
    target,
    requestId: currentRequestId() ?? null,
    ip: currentClientIp() ?? null,
    details,
  };
}

export function auditFailure(action: string, actor: AuditActor | null, target: AuditTarget | null, reason: string, details: Record<string, unknown> = {}): NewAuditEvent {
  return { ...auditEvent(action, actor, target, { ...details, reason }), outcome: 'failure' };
}

// For admin commands whose payload names nobody: the actor the gateway put in the message headers.
export function auditByRequester(action: string, target: AuditTarget | null, details: Record<string, unknown> = {}): NewAuditEvent {
  return auditEvent(action, currentActor() ?? null, target, details);
}
