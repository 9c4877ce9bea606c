// `doctor`: read-only checks of the deployment in the account the credentials reach, each with
// OK / PROBLEM / COULD NOT CHECK and what to do. It changes nothing and starts no export.
import type { Command } from '../args';
import { defaultClients } from '../doctor/clients';
import { exitCode, formatReport, reportDocument } from '../doctor/report';
import { runDoctor } from '../doctor/run';

export async function doctor(command: Extract<Command, { command: 'doctor' }>): Promise<number> {
  const results = await runDoctor(command, { clients: defaultClients(), endpoint: process.env.AWS_ENDPOINT_URL });
  console.log(command.json ? JSON.stringify(reportDocument(results), null, 2) : formatReport(results));
  return exitCode(results);
}
