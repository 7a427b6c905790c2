// Claims both the signer (core) and the verifier (gateway) agree on.
export const ACCESS_TOKEN_AUDIENCE = 'plans-platform-api';
