/** Roles and access profiles (SPEC ID-3, ID-6). */

/** Roles a user holds per ERN membership. "Assistant" has no permissions of its own (ID-4). */
export const ernRoles = ['HP', 'Coordinator', 'Dispatcher', 'Helpdesk', 'Researcher', 'Assistant'] as const;
export type ErnRole = (typeof ernRoles)[number];

/** The access profiles a user may ask for in an access request (ID-6). */
export const accessProfiles = ['Coordinator', 'Dispatcher', 'HP', 'Researcher'] as const;
export type AccessProfile = (typeof accessProfiles)[number];

/**
 * Roles held across the whole system, not per ERN: the EC administrator (system administration,
 * never patient data), Support (reads the audit log), and the GDPR officer of one HCP.
 */
export const globalRoles = ['ECAdmin', 'Support', 'GDPROfficer'] as const;
export type GlobalRole = (typeof globalRoles)[number];

/** How long a guest's access lasts unless the coordinator sets another period (ID-5). */
export const defaultGuestDays = 90;
export const maxGuestDays = 365;
