// A real OpenID Provider for Deelpoort's tests (never for production): panva's oidc-provider with its
// development login screens, where any login name is accepted and becomes the subject (`sub`).
//
// Started by tests/oidc/conftest.py: `node provider.mjs` with OP_HOST (the issuer's host name, default
// localhost) and OP_CLIENTS (a JSON list of client metadata); with OP_TLS_CERT and OP_TLS_KEY (PEM files) it
// serves https, as an organisation's IdP does (the production walk-through in tests/productie needs that). It listens on a free port of 127.0.0.1 and prints
// one line `READY <issuer>` when it serves; it ends when its stdin closes (the test run ended).
//
// Deliberately strict where Deelpoort must cope: PKCE (S256) is required for every client, the authorization
// response carries `iss` (RFC 9207), id tokens are RS256-signed with a key generated at start.
import http from 'node:http';
import https from 'node:https';
import { readFileSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import Provider, { interactionPolicy } from 'oidc-provider';

const host = process.env.OP_HOST || 'localhost';
const clients = JSON.parse(process.env.OP_CLIENTS || '[]');

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: 'jwk' }), use: 'sig', alg: 'RS256', kid: 'test-op-1' };

// The clients are registered as native (RFC 8252), so that their loopback redirect URI may use any port: each
// test's Deelpoort server has its own. A native client would be asked for consent every time; this OP skips
// that (a first-party client), as an organisation's IdP does for its own applications.
const policy = interactionPolicy.base();
policy.get('consent').checks.remove('native_client_prompt');

const tls = process.env.OP_TLS_CERT && process.env.OP_TLS_KEY;
const server = tls
  ? https.createServer({ cert: readFileSync(process.env.OP_TLS_CERT), key: readFileSync(process.env.OP_TLS_KEY) })
  : http.createServer();
server.listen(0, '127.0.0.1', () => {
  const issuer = `${tls ? 'https' : 'http'}://${host}:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients,
    jwks: { keys: [jwk] },
    pkce: { required: () => true },
    features: { devInteractions: { enabled: true } },
    interactions: { policy },
    cookies: { keys: ['deelpoort-test-op-cookie-key-not-secret'] },
    // Every account exists: the login name is the subject. Deelpoort must refuse the unregistered ones.
    findAccount: (ctx, sub) => ({ accountId: sub, claims: () => ({ sub }) }),
    // No consent screen: a first-party client is granted `openid` once the person has logged in.
    loadExistingGrant: async (ctx) => {
      const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (grantId) {
        return ctx.oidc.provider.Grant.find(grantId);
      }
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client.clientId,
        accountId: ctx.oidc.session.accountId,
      });
      grant.addOIDCScope('openid');
      await grant.save();
      return grant;
    },
  });
  provider.on('server_error', (ctx, error) => console.error('server_error', error));
  server.on('request', provider.callback());
  console.log(`READY ${issuer}`);
});

process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
