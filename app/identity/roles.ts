/** Roles a user holds per ERN membership (SPEC ID-3). */
export const ernRoles = ['HP', 'Coordinator', 'Dispatcher', 'Helpdesk', 'Researcher'] as const;
export type ErnRole = (typeof ernRoles)[number];
