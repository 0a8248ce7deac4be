// A real OpenID Connect provider for the browser tests: the certified `oidc-provider` package
// with its built-in login form, two people and a `groups` claim. Playwright starts it
// (playwright.config.ts, `webServer`) before the tests and stops it afterwards. The server under
// test is configured for it in scripts/test (OIDC_* variables).
import Provider from 'oidc-provider';

const issuer = process.env.OIDC_ISSUER ?? 'http://127.0.0.1:3057';
const port = Number(new URL(issuer).port);
const app = process.env.E2E_BASE_URL ?? 'http://127.0.0.1:3055';

// The people the provider knows: the login form takes the id as the login name.
const people = {
  'oidc-admin': { email: 'leitung@praxis.example', name: 'Dr. Leitung (SSO)', groups: ['praxis', 'anrufe-admin'] },
  'oidc-empfang': { email: 'sso-empfang@praxis.example', name: 'Empfang (SSO)', groups: ['praxis', 'anrufe-empfang'] },
  'oidc-praxis': { email: 'labor@praxis.example', name: 'Labor (SSO)', groups: ['praxis'] },
};

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: 'anrufe',
      client_secret: 'anrufe-e2e-client-secret',
      redirect_uris: [`${app}/auth/oidc/callback`],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
    groups: ['groups'],
  },
  scopes: ['openid', 'email', 'profile', 'groups'],
  // Scope claims go into the ID token, which is all Anrufe reads.
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  async findAccount(_ctx, id) {
    const person = people[id];
    if (!person) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: id, email: person.email, email_verified: true, name: person.name, groups: person.groups };
      },
    };
  },
  // Anrufe is the practice's own application: no consent screen.
  async loadExistingGrant(ctx) {
    const grant = new provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid email profile groups');
    await grant.save();
    return grant;
  },
});

provider.listen(port, '127.0.0.1', () => {
  console.log(`oidc-provider for the browser tests at ${issuer}`);
});
