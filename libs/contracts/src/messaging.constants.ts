// Every exchange, queue and message pattern that crosses a process, in one place.
export const EXCHANGES = {
  events: 'platform.events',
  deadLetter: 'platform.dlx',
} as const;

export const QUEUES = {
  coreRpc: 'core.rpc',
  indexerEvents: 'indexer.events',
  deadLetters: 'platform.dead-letters',
} as const;

export const PATTERNS = {
  auth: {
    signup: 'auth.signup',
    token: 'auth.token',
    refresh: 'auth.refresh',
    logout: 'auth.logout',
  },
  users: {
    me: 'users.me',
    principal: 'users.principal',
    list: 'users.list',
    get: 'users.get',
    create: 'users.create',
    update: 'users.update',
    remove: 'users.remove',
  },
  admin: {
    deadLettersList: 'admin.dead-letters.list',
    deadLettersReplay: 'admin.dead-letters.replay',
  },
} as const;

export const EVENTS = {
  userCreated: 'user.created',
  userUpdated: 'user.updated',
  userDeleted: 'user.deleted',
} as const;

export type EventType = (typeof EVENTS)[keyof typeof EVENTS] | 'plan.created' | 'plan.updated' | 'plan.deleted';

// Which event routing keys each consuming queue is bound to.
export const EVENT_BINDINGS: Record<string, string[]> = {
  [QUEUES.indexerEvents]: ['user.*', 'plan.*'],
};

export const PLAN_PATTERNS = {
  create: 'plans.create',
  get: 'plans.get',
  list: 'plans.list',
  replace: 'plans.replace',
  patch: 'plans.patch',
  remove: 'plans.remove',
  search: 'plans.search',
  reindex: 'search.reindex',
} as const;

export const PLAN_EVENTS = {
  created: 'plan.created',
  updated: 'plan.updated',
  deleted: 'plan.deleted',
} as const;

export const SALES_PATTERNS = {
  dailySales: 'dashboard.sales',
  refresh: 'admin.sales-view.refresh',
  scheduledRefresh: 'sales-view.refresh-scheduled',
} as const;
