// Where the user goes once signed in: back to the page they asked for, e.g. a study opened from a link.

/** The page to open after sign-in: `redirect` if it is one of ours (a path, not sign-in), else Home. */
export function afterSignIn(redirect: unknown): string | { name: 'home' } {
  const ours = typeof redirect === 'string' && redirect.startsWith('/') && !redirect.startsWith('//') && !redirect.startsWith('/sign-in');
  return ours ? redirect : { name: 'home' };
}
