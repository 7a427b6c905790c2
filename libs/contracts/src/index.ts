export * from './messaging.constants';
export * from './users/user.view';
export * from './users/user-fields';
export * from './users/user.payloads';
export * from './events/domain-event';
export * from './admin/dead-letter.payloads';
export * from './auth/token.constants';
