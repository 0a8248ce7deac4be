import { join } from 'node:path';

// The demo logins the server creates in demo mode (server/src/demo.rs), and where the global
// setup keeps each one's logged-in browser state.
export interface Account {
  email: string;
  password: string;
  name: string;
  state: string;
}

const stateDir = join(__dirname, 'test-results', '.auth');

export const AGENT: Account = {
  email: 'empfang@praxis.example',
  password: 'anrufe-demo-empfang',
  name: 'Empfang (Demo)',
  state: join(stateDir, 'agent.json'),
};

export const ADMIN: Account = {
  email: 'admin@praxis.example',
  password: 'anrufe-demo-admin',
  name: 'Praxis-Admin (Demo)',
  state: join(stateDir, 'admin.json'),
};

// The identity provider's address (oidc/provider.mjs), as the server under test knows it
// (scripts/test sets OIDC_ISSUER for both).
export const OIDC_ISSUER = process.env.OIDC_ISSUER ?? 'http://127.0.0.1:3057';
