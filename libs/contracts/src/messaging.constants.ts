// Every exchange, queue and message pattern that crosses a process, in one place.
export const EXCHANGES = {
  events: 'platform.events',
  deadLetter: 'platform.dlx',
} as const;

export const QUEUES = {
  coreRpc: 'core.rpc',
  indexerEvents: 'indexer.events',
  // The orders write path: the gateway publishes, core's batch consumer stores (see ORDERS_QUEUE_BOUNDS).
  orders: 'core.orders',
  deadLetters: 'platform.dead-letters',
  // Admin commands for the provider sync (start, status): any scheduler replica answers.
  schedulerRpc: 'scheduler.rpc',
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
    // DELETE /users/me: the caller's own soft delete.
    closeAccount: 'users.close-account',
    erase: 'admin.users.erase',
    // scheduler -> core command: erase users past USER_ERASURE_GRACE.
    scheduledErasure: 'users.erasure-scheduled',
    exportPage: 'users.export.page',
  },
  admin: {
    deadLettersList: 'admin.dead-letters.list',
    deadLettersGet: 'admin.dead-letters.get',
    overview: 'admin.overview',
    deadLettersReplay: 'admin.dead-letters.replay',
    auditList: 'admin.audit.list',
    // scheduler -> core command: audit partitions ahead, retention purge, sealing.
    auditMaintenance: 'audit.maintenance-scheduled',
  },
} as const;

export const EVENTS = {
  userCreated: 'user.created',
  userUpdated: 'user.updated',
  userDeleted: 'user.deleted',
} as const;

export type EventType =
  (typeof EVENTS)[keyof typeof EVENTS] | 'plan.created' | 'plan.updated' | 'plan.deleted' | 'order.stored' | 'content.created' | 'content.updated' | 'content.deleted';

// Which event routing keys each consuming queue is bound to.
export const EVENT_BINDINGS: Record<string, string[]> = {
  [QUEUES.indexerEvents]: ['user.*', 'plan.*', 'order.*', 'content.*'],
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
  reindexStatus: 'search.reindex.status',
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

// `place` is the message on QUEUES.orders (no reply); the others are RPC to core.rpc.
export const ORDER_PATTERNS = {
  place: 'orders.place',
  get: 'orders.get',
  byKey: 'orders.by-key',
  list: 'orders.list',
  search: 'orders.search',
} as const;

export const ORDER_EVENTS = {
  stored: 'order.stored',
} as const;

// The orders queue is a quorum queue: replicated, and a message redelivered more than `deliveryLimit` times (a
// consumer crashing on it) is dead-lettered instead of looping. When `maxLength` orders wait, the broker refuses
// new publishes (reject-publish): the gateway answers 503 instead of the backlog growing without bound.
// Every app declares the queue with these values; changing them needs a new queue (RabbitMQ refuses a redeclare).
export const ORDERS_QUEUE_BOUNDS = {
  deliveryLimit: 5,
  maxLength: 5_000_000,
} as const;

// gateway -> core (RPC): the provider catalog search. gateway -> scheduler (RPC on QUEUES.schedulerRpc): the sync.
export const PROVIDER_PATTERNS = {
  search: 'provider-events.search',
  syncStart: 'admin.provider-sync.start',
  syncStatus: 'admin.provider-sync.status',
} as const;

export const CONTENT_PATTERNS = {
  create: 'content.create',
  get: 'content.get',
  list: 'content.list',
  replace: 'content.replace',
  patch: 'content.patch',
  remove: 'content.remove',
  search: 'content.search',
} as const;

export const CONTENT_EVENTS = {
  created: 'content.created',
  updated: 'content.updated',
  deleted: 'content.deleted',
} as const;
