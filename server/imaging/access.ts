// Who may store and read which images: the seam where the patients feature (need-to-know) plugs in.
// Until it does, an interim rule holds, deny by default: the first user to store images of a patient
// (by the pseudonymous PatientID) is the only one who may store more of them or read them.
import type { Caller } from '../identity/service.ts';
import type { ImagingRepo } from './repo.ts';

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

/**
 * INTERIM, until the patients feature decides (replace it in server/services.ts): the uploader of a
 * patient's first study owns that patient's images. The fact is persisted: it is the `uploaderId`
 * of the patient's studies in the index. Everyone else is refused, as if the images did not exist.
 */
export function uploaderOnlyAccess(repo: ImagingRepo): ImagingAccess {
  return {
    async canUpload(caller, patientKey) {
      const uploaders = await repo.uploadersOfPatient(patientKey);
      return uploaders.every((userId) => userId === caller.userId);
    },
    canRead: (caller, patientKey) => repo.hasUploaded(caller.userId, patientKey),
    readablePatientKeys: (caller) => repo.patientKeysUploadedBy(caller.userId),
  };
}
