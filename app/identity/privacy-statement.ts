/**
 * The user consent and privacy statement every user accepts at first sign-in, and again whenever
 * its version changes (SPEC ID-8). Changing any text here means a new `version`.
 */
export interface PrivacyStatement {
  readonly version: string;
  readonly title: string;
  readonly sections: ReadonlyArray<{ readonly heading: string; readonly paragraphs: readonly string[] }>;
}

export const privacyStatement: PrivacyStatement = {
  version: '1.0',
  title: 'User consent and privacy statement',
  sections: [
    {
      heading: 'Why we process your data',
      paragraphs: [
        'Consilium lets healthcare professionals of the European Reference Networks discuss rare and complex patient cases across borders. To give you access, we process your personal data as a user of the platform.',
        'We process it because it is needed for a task carried out in the public interest and because you consent to it. You give your consent by accepting this statement; you can withdraw it at any time from “My Account”, which ends your access.',
      ],
    },
    {
      heading: 'Which data we keep about you',
      paragraphs: [
        'Identity information: username, first and last name, professional email address and country. Other information you choose to give: phone number, affiliation (ERN, hospital), profession, expertise and thematic areas.',
        'Transaction data: sign-in and sign-out, and the business actions you take (for example access decisions, uploads, opinions). They are kept in an audit log that only the platform’s support and administrators can read. System logs hold no personal data.',
      ],
    },
    {
      heading: 'Who sees it',
      paragraphs: [
        'Members of the ERNs you belong to can find you in the service directory by name, hospital, country, ERN, specialty and thematic area. Participants of a discussion see the names, affiliations and professions of the other participants; outcome reports name the participants who hold a valid consent when the report is generated.',
      ],
    },
    {
      heading: 'How long we keep it',
      paragraphs: [
        'Your account stays active as long as you use Consilium. Guest access ends after 90 days unless your coordinator sets another period. Accounts inactive for 5 years are reviewed and may be deleted.',
        'You may deactivate your account: your name and specialty then stay visible next to the pseudonymised patient data you contributed, for the patients’ care. You may delete your account: your personal data are then permanently erased, and what you contributed is shown as from a deleted user.',
      ],
    },
    {
      heading: 'Your rights',
      paragraphs: [
        'You can see and correct your data in “My Account”, withdraw your consent, deactivate or delete your account there. For any other request, contact your ERN’s helpdesk.',
      ],
    },
  ],
};
