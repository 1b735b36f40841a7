/**
 * A few real ERN healthcare providers, as reference data for a new installation and for training.
 * Administrators add the rest. Each lists the ERNs it is a full member of.
 */
export interface HcpReference {
  readonly code: string;
  readonly name: string;
  readonly city: string;
  readonly countryCode: string;
  readonly memberOf: readonly string[];
}

export const hcps: readonly HcpReference[] = [
  { code: 'FR10', name: 'Assistance Publique-Hôpitaux de Paris, Hôpital Robert-Debré', city: 'Paris', countryCode: 'FR', memberOf: ['ITHACA', 'ERKNet', 'ERN-EYE'] },
  { code: 'FR25', name: 'Hospices Civils de Lyon', city: 'Lyon', countryCode: 'FR', memberOf: ['ITHACA', 'EURACAN', 'ERN-RND'] },
  { code: 'DE05', name: 'Charité – Universitätsmedizin Berlin', city: 'Berlin', countryCode: 'DE', memberOf: ['ERKNet', 'ERN-EYE', 'EURACAN', 'ITHACA'] },
  { code: 'IT03', name: 'Ospedale Pediatrico Bambino Gesù', city: 'Rome', countryCode: 'IT', memberOf: ['ERKNet', 'ITHACA', 'PaedCan'] },
  { code: 'NL02', name: 'Radboud university medical center', city: 'Nijmegen', countryCode: 'NL', memberOf: ['ITHACA', 'ERN-EYE', 'GENTURIS'] },
  { code: 'SE01', name: 'Karolinska University Hospital', city: 'Stockholm', countryCode: 'SE', memberOf: ['EURACAN', 'ERN-RND', 'EuroBloodNet'] },
  { code: 'CZ02', name: 'Motol University Hospital', city: 'Prague', countryCode: 'CZ', memberOf: ['ERKNet', 'EpiCARE'] },
  { code: 'ES07', name: "Hospital Universitari Vall d'Hebron", city: 'Barcelona', countryCode: 'ES', memberOf: ['ERKNet', 'EURACAN', 'MetabERN'] },
];
