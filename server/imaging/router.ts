// The imaging procedures of the workstation beside DICOMweb: a patient's studies for the record's
// "Files" tab, and which patient a study belongs to (the viewer's link back to the record).
import { principalFor } from '../../app/access/policy.ts';
import { patientStudiesInput, studyPatientInput } from '../../app/imaging/studies.ts';
import { permitted, router } from '../trpc.ts';

export const imagingRouter = router({
  patientStudies: permitted('patients.read')
    .input(patientStudiesInput)
    .query(({ ctx, input }) => ctx.services.imaging.patientStudies(principalFor(ctx.actor, 'patients.read'), input.patientId)),
  studyPatient: permitted('patients.read')
    .input(studyPatientInput)
    .query(({ ctx, input }) => ctx.services.imaging.studyPatient(principalFor(ctx.actor, 'patients.read'), input.studyInstanceUid)),
});
