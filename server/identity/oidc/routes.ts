// The HTTP routes of a provider sign-in, which browsers navigate (not tRPC calls): start sends the
// browser to the provider, callback takes its answer, done ends a desktop sign-in in the browser.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { desktopLoopbackPath, oidcErrorFragment, oidcPaths, oidcStartQuery, oidcTicketFragment } from '../../../app/identity/oidc.ts';
import { DomainError, isErrorCode } from '../../../app/errors.ts';
import { desktopDonePage, failurePage, pageContentSecurityPolicy, type PageProblem } from './pages.ts';
import type { CallbackOutcome, OidcService } from './service.ts';

/** The cookie that binds a sign-in to the browser that started it (against login CSRF). */
const bindingCookie = 'consilium_oidc';
/** Sent to start and callback only. */
const bindingCookiePath = '/auth/oidc';

export interface OidcRouteOptions {
  /** Undefined when no provider is configured: the routes then say so. */
  readonly service: OidcService | undefined;
  /** Where browsers reach this server, without trailing slash (known once it listens). */
  readonly publicUrl: () => string;
  /** Seconds a pending sign-in lives, which the binding cookie must outlive. */
  readonly flowSeconds: number;
}

function cookieValue(request: FastifyRequest, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

function sendPage(reply: FastifyReply, status: number, html: string): FastifyReply {
  return reply.code(status).header('Content-Security-Policy', pageContentSecurityPolicy).type('text/html; charset=utf-8').send(html);
}

/** Where the browser goes with the outcome: the web app, the desktop client's loopback port, or a page. */
function answer(reply: FastifyReply, outcome: CallbackOutcome, publicUrl: string): FastifyReply {
  const target = outcome.target;
  if (!target) return sendPage(reply, 400, failurePage(outcome.ok ? 'bad_request' : outcome.code, `${publicUrl}/sign-in`));
  if (target.kind === 'browser') {
    // In the fragment, which browsers never send to a server (no logs, no Referer).
    const fragment = outcome.ok ? `${oidcTicketFragment}=${outcome.ticket}` : `${oidcErrorFragment}=${outcome.code}`;
    return reply.redirect(`${publicUrl}/sign-in#${fragment}`, 303);
  }
  const loopback = new URL(`http://127.0.0.1:${target.port}${desktopLoopbackPath}`);
  loopback.searchParams.set('challenge', target.challenge);
  if (outcome.ok) loopback.searchParams.set('ticket', outcome.ticket);
  else loopback.searchParams.set('error', outcome.code);
  return reply.redirect(loopback.href, 303);
}

export function registerOidcRoutes(app: FastifyInstance, options: OidcRouteOptions): void {
  const { service, publicUrl } = options;
  const secure = () => publicUrl().startsWith('https:');

  app.get(oidcPaths.start, async (request, reply) => {
    if (!service) return sendPage(reply, 404, failurePage('not_configured', `${publicUrl()}/sign-in`));
    const query = oidcStartQuery.safeParse(request.query);
    if (!query.success) return sendPage(reply, 400, failurePage('bad_request', `${publicUrl()}/sign-in`));
    try {
      const { location, binding } = await service.start(query.data, cookieValue(request, bindingCookie));
      const attributes = [`Path=${bindingCookiePath}`, `Max-Age=${options.flowSeconds}`, 'HttpOnly', 'SameSite=Lax', ...(secure() ? ['Secure'] : [])];
      reply.header('Set-Cookie', `${bindingCookie}=${binding}; ${attributes.join('; ')}`);
      return reply.redirect(location, 303);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'too_many_attempts') {
        reply.header('Retry-After', String(error.details.retryAfterSeconds ?? 60));
        return sendPage(reply, 503, failurePage('too_many_attempts', `${publicUrl()}/sign-in`));
      }
      throw error;
    }
  });

  app.get(oidcPaths.callback, async (request, reply) => {
    if (!service) return sendPage(reply, 404, failurePage('not_configured', `${publicUrl()}/sign-in`));
    const search = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
    const outcome = await service.callback(search, cookieValue(request, bindingCookie));
    if (outcome.ok) request.log.info({ oidc: 'answered', target: outcome.target.kind }, 'provider sign-in answered');
    else request.log.warn({ oidc: outcome.reason, code: outcome.code, target: outcome.target?.kind ?? 'unknown' }, 'provider sign-in failed');
    return answer(reply, outcome, publicUrl());
  });

  app.get(oidcPaths.done, async (request, reply) => {
    const error = (request.query as Record<string, unknown>).error;
    const problem: PageProblem | undefined = error === undefined ? undefined : isErrorCode(error) ? error : 'bad_request';
    return sendPage(reply, 200, desktopDonePage(problem));
  });
}
