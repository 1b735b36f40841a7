/** The 24 European Reference Networks: short name and the disease area CPMS shows beside it. */
export interface ErnReference {
  readonly id: string;
  readonly fullName: string;
}

export const erns: readonly ErnReference[] = [
  { id: 'BOND', fullName: 'Bone Disorders' },
  { id: 'CRANIO', fullName: 'Craniofacial anomalies and ear, nose and throat disorders' },
  { id: 'ERKNet', fullName: 'Kidney Diseases' },
  { id: 'ERN-EYE', fullName: 'Eye Diseases' },
  { id: 'ERN-LUNG', fullName: 'Respiratory Diseases' },
  { id: 'ERN-RND', fullName: 'Neurological Diseases' },
  { id: 'ERN-SKIN', fullName: 'Skin Disorders' },
  { id: 'ERNICA', fullName: 'Inherited and Congenital Anomalies' },
  { id: 'EURACAN', fullName: 'Adult Cancers' },
  { id: 'EURO-NMD', fullName: 'Neuromuscular Diseases' },
  { id: 'Endo-ERN', fullName: 'Endocrine Conditions' },
  { id: 'EpiCARE', fullName: 'Epilepsies' },
  { id: 'EuroBloodNet', fullName: 'Hematological Diseases' },
  { id: 'GENTURIS', fullName: 'Genetic Tumour Risk Syndromes' },
  { id: 'GUARD-HEART', fullName: 'Heart Diseases' },
  { id: 'ITHACA', fullName: 'Intellectual Disability and Congenital Malformations' },
  { id: 'MetabERN', fullName: 'Hereditary Metabolic Disorders' },
  { id: 'PaedCan', fullName: 'Paediatric Cancer (haemato-oncology)' },
  { id: 'RARE-LIVER', fullName: 'Hepatological Diseases' },
  { id: 'RITA', fullName: 'Immunodeficiency, Autoinflammatory and Autoimmune Diseases' },
  { id: 'ReCONNET', fullName: 'Connective Tissue and Musculoskeletal Diseases' },
  { id: 'TRANSPLANTCHILD', fullName: 'Transplantation in Children' },
  { id: 'VASCERN', fullName: 'Multisystemic Vascular Diseases' },
  { id: 'eUROGEN', fullName: 'Urogenital Diseases and Conditions' },
];
