import { describe, expect, it } from 'vitest';
import { tlsFailureReason, tlsOptionsFor } from '#adapters/postgres-tls';

const tlsError = (message: string, code: string): Error => Object.assign(new Error(message), { code });

describe('tlsOptionsFor', () => {
  it('reads each SslMode as libpq does', () => {
    // Act
    const none = tlsOptionsFor('none');
    const require = tlsOptionsFor('require', 'CA PEM');
    const verifyCa = tlsOptionsFor('verify-ca', 'CA PEM');
    const verifyFull = tlsOptionsFor('verify-full', 'CA PEM');

    // Assess
    expect(none).toBe(false);
    expect(require).toEqual({ rejectUnauthorized: false });
    expect(verifyCa).toMatchObject({ rejectUnauthorized: true, ca: 'CA PEM' });
    expect(typeof verifyCa === 'object' && verifyCa.checkServerIdentity?.('other-host', {} as never)).toBe(
      undefined,
    );
    expect(verifyFull).toEqual({ rejectUnauthorized: true, ca: 'CA PEM' });
  });

  it('leaves the CAs to the system when none is given', () => {
    // Act
    const verifyFull = tlsOptionsFor('verify-full');

    // Assess
    expect(verifyFull).toEqual({ rejectUnauthorized: true });
  });
});

describe('tlsFailureReason', () => {
  it('names the SslMode and the plain-text choice when the server offers no TLS', () => {
    // Act
    const reason = tlsFailureReason(new Error('The server does not support SSL connections'), 'require');

    // Assess
    expect(reason).toBe(
      "SslMode require: server does not support SSL, but SSL was required (enable TLS on the server, or, to connect in plain text, choose sslMode 'none' with acknowledgePlainText: true for this database)",
    );
  });

  it.each([
    {
      about: 'asks a verifying mode for the CA when the certificate does not verify',
      error: tlsError('unable to verify the first certificate', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'),
      mode: 'verify-ca',
      reason:
        'SslMode verify-ca: SSL error: unable to verify the first certificate [UNABLE_TO_VERIFY_LEAF_SIGNATURE] (verify-ca checks the server certificate against the trusted CA certificates: give the CA that signed it)',
    },
    {
      about: 'says verify-full compares the host name when the certificate names another host',
      error: tlsError("Hostname/IP does not match certificate's altnames", 'ERR_TLS_CERT_ALTNAME_INVALID'),
      mode: 'verify-full',
      reason:
        "SslMode verify-full: SSL error: Hostname/IP does not match certificate's altnames [ERR_TLS_CERT_ALTNAME_INVALID] (verify-full also checks that the certificate names the host: connect by a name it lists)",
    },
    {
      about: 'adds no hint for require, which checks no certificate',
      error: tlsError('wrong version number', 'ERR_SSL_WRONG_VERSION_NUMBER'),
      mode: 'require',
      reason: 'SslMode require: SSL error: wrong version number [ERR_SSL_WRONG_VERSION_NUMBER]',
    },
  ] as const)('names the SslMode and $about', ({ error, mode, reason }) => {
    // Act
    const actual = tlsFailureReason(error, mode);

    // Assess
    expect(actual).toBe(reason);
  });

  it('leaves failures that are not about TLS, and every failure of SslMode none, alone', () => {
    // Act
    const refused = tlsFailureReason(tlsError('connect ECONNREFUSED', 'ECONNREFUSED'), 'require');
    const password = tlsFailureReason(tlsError('password authentication failed', '28P01'), 'verify-ca');
    const plain = tlsFailureReason(new Error('The server does not support SSL connections'), 'none');

    // Assess
    expect(refused).toBeUndefined();
    expect(password).toBeUndefined();
    expect(plain).toBeUndefined();
  });
});
