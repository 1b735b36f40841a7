// What a STOW-RS answer says about each instance the server did not store: the failure reason codes
// Consilium sends (PS3.4 B.2.3, PS3.7 C), shared by the server (which decides) and the workstation
// (which tells the user why an instance was not uploaded).

export const stowFailureReasons = {
  /** Processing failure: storage failed (e.g. the disk); sending it again may succeed. */
  processingFailure: 0x0110,
  /** Duplicate SOP Instance: the UID is stored with other content; stored instances never change. */
  duplicate: 0x0111,
  /** Refused, not authorised: not de-identified, or the patient's images belong to someone else. */
  notAuthorized: 0x0124,
  /** Refused, out of resources: the instance or its study passes the configured size limit. */
  outOfResources: 0xa700,
  /** Data set does not match: another study than the request's, or a study/series of another patient. */
  doesNotMatch: 0xa900,
  /** Cannot understand: not a readable DICOM Part 10 instance, or no PatientID. */
  cannotUnderstand: 0xc000,
} as const;

export type StowFailureReason = (typeof stowFailureReasons)[keyof typeof stowFailureReasons];
