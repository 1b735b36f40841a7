// Assistants (SPEC ID-4) and the audit log (GV-1): an assistant acts for the clinician who appointed
// them, and Support sees it in the audit log as done on the clinician's behalf.
import { demoPassword } from '../../server/demo/accounts.ts';
import { expect, test } from './fixtures.ts';
import { choose } from './pages/controls.ts';

test('an assistant acts on behalf of a clinician; the audit log shows it', async ({ page, signInPage, shell, clock, codeFor }) => {
  await signInPage.open();
  await signInPage.signIn('anne.dubois', demoPassword, await codeFor('anne.dubois'));
  await expect(page.getByRole('heading', { name: 'Welcome, Anne Dubois' })).toBeVisible();
  // On her own, an Assistant has no permission: no directory.
  await expect(shell.menuLink('Service directory')).toHaveCount(0);

  await choose(page, 'Acting for', 'Claire Martin');
  await expect(page.getByRole('status').filter({ hasText: 'You are acting on behalf of Claire Martin' })).toBeVisible();
  await shell.menuLink('Service directory').click();
  await page.getByRole('textbox', { name: 'Name' }).fill('Rossi');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.getByRole('status').filter({ hasText: '1 members found' })).toBeVisible();
  await expect(page.getByRole('row', { name: /Marco Rossi.*IT03/ })).toBeVisible();

  await choose(page, 'Acting for', 'Myself');
  await expect(shell.menuLink('Service directory')).toHaveCount(0);
  await shell.chooseFromUserMenu('Sign out');

  clock.advance(30_000);
  await signInPage.signIn('tomas.horak', demoPassword, await codeFor('tomas.horak'));
  await shell.menuLink('Audit log').click();
  await page.getByRole('textbox', { name: 'User (name, username or id)' }).fill('Claire Martin');
  await page.getByRole('textbox', { name: 'Action' }).fill('directory');
  await page.getByRole('button', { name: 'Filter' }).click();
  const log = page.getByRole('table', { name: 'Audit log' });
  await expect(log.getByRole('row', { name: /Anne Dubois Claire Martin directory\.search Success/ })).toHaveCount(2);

  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByRole('status').filter({ hasText: /The audit log is intact: \d+ records/ })).toBeVisible();

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export CSV' }).click();
  const csv = await (await download).createReadStream();
  const chunks: Buffer[] = [];
  for await (const chunk of csv) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  expect(text.split('\r\n')[0]).toBe('seq,time,actor_id,actor,on_behalf_of_id,on_behalf_of,action,record_type,record_id,outcome,details');
  expect(text).toContain('"Anne Dubois"');
  expect(text).toContain('"Claire Martin","directory.search"');
});

test('a clinician appoints a colleague of the same hospital from My Account, who then may act for them', async ({ page, signInPage, shell, clock, codeFor }) => {
  await signInPage.open();
  await signInPage.signIn('julie.bernard', demoPassword, await codeFor('julie.bernard'));
  await expect(page.getByRole('combobox', { name: 'Acting for' })).toHaveCount(0);
  await shell.chooseFromUserMenu('Sign out');

  clock.advance(30_000);
  await signInPage.signIn('claire.martin', demoPassword, await codeFor('claire.martin'));
  await shell.chooseFromUserMenu('My Account');
  await page.getByRole('tab', { name: 'Assistants' }).click();
  await expect(page.getByRole('table', { name: 'My assistants' }).getByRole('row', { name: /Anne Dubois/ })).toBeVisible();
  await page.getByRole('textbox', { name: 'Find a colleague of your hospital' }).fill('Julie');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByRole('button', { name: 'Appoint Julie Bernard as assistant' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Julie Bernard is now your assistant.' })).toBeVisible();
  await expect(page.getByRole('table', { name: 'My assistants' }).getByRole('row', { name: /Julie Bernard/ })).toBeVisible();
  await shell.chooseFromUserMenu('Sign out');

  clock.advance(30_000);
  await signInPage.signIn('julie.bernard', demoPassword, await codeFor('julie.bernard'));
  await expect(shell.bell).toHaveAccessibleName('Bell, 1 unread');
  await choose(page, 'Acting for', 'Claire Martin');
  await expect(page.getByRole('status').filter({ hasText: 'on behalf of Claire Martin' })).toBeVisible();
});
