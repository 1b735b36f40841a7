// The patient shown on the record page, loaded once and reloaded after changes by any tab.
import { ref } from 'vue';
import type { ApiOutputs } from '../api/client.ts';
import { api } from '../api/index.ts';

export type PatientDetail = ApiOutputs['patients']['get'];

export function usePatient(patientId: () => string) {
  const patient = ref<PatientDetail>();
  async function reload(): Promise<void> {
    patient.value = await api().patients.get.query({ patientId: patientId() });
  }
  return { patient, reload };
}
