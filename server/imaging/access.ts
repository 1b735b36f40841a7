// Who may store and read which images: the seam where the patients' need to know plugs in
// (patient-access.ts decides it; tests may pass their own).
import type { Caller } from '../identity/service.ts';

/**
 * The access decisions the DICOMweb store asks for. The patient key is an instance's PatientID: the
 * patient's pseudonymous id, after de-identification on the workstation.
 */
export interface ImagingAccess {
  /** May `caller` store instances of this patient? */
  canUpload(caller: Caller, patientKey: string): Promise<boolean>;
  /** May `caller` read this patient's images? */
  canRead(caller: Caller, patientKey: string): Promise<boolean>;
  /** Every patient key `caller` may read, to narrow searches in the database. */
  readablePatientKeys(caller: Caller): Promise<readonly string[]>;
}
