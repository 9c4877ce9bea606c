// moto's APIs called directly, for services whose SDK clients the project does not install, and
// the values of their XML answers.
import { MOTO_CLIENT_CONFIG } from '../../support/moto';

/**
 * Calls a moto REST or query API directly, for services whose SDK clients the project does
 * not install. moto reads the service and region from the authorization header and does not
 * check the signature. `headers` replace the defaults (a JSON API's X-Amz-Target and content type).
 */
export async function motoApi(endpoint: string, service: string, pathAndQuery: string, body?: string, headers: Record<string, string> = {}): Promise<string> {
  const response = await fetch(`${endpoint}${pathAndQuery}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      authorization: `AWS4-HMAC-SHA256 Credential=testing/20260101/${MOTO_CLIENT_CONFIG.region}/${service}/aws4_request, SignedHeaders=host, Signature=0`,
      ...(body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
      ...headers,
    },
    body,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${service} ${pathAndQuery} answered ${response.status}: ${text.slice(0, 500)}`);
  return text;
}

/** The text of the first <tag> in an XML answer, unescaped (and URL-decoded where IAM encodes a policy document). */
export function xmlValue(xml: string, tag: string): string {
  const match = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(xml);
  if (!match) throw new Error(`no <${tag}> in ${xml.slice(0, 300)}`);
  const text = match[1]!
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
  return text.trim().startsWith('%7B') || text.includes('%22') ? decodeURIComponent(text) : text;
}
