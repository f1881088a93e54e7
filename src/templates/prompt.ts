/**
 * The questions `faas new` asks when run on a terminal without a name or --lang. Never asked
 * without a TTY on both stdin and stdout, or in CI; Ctrl-C ends the command with nothing
 * written (the prompt runs before any write).
 */
import {FaasError} from '../errors.js'
import {FUNCTION_NAME} from './names.js'

export function canPrompt(env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = env.CI !== undefined && env.CI !== '' && env.CI !== 'false' && env.CI !== '0'
  return Boolean(process.stdin.isTTY) && Boolean(process.stdout.isTTY) && !ci
}

export interface NewFunctionAnswers {
  name?: string
  lang?: string
}

export async function askNewFunction(need: {name: boolean; lang: boolean}, languages: string[]): Promise<NewFunctionAnswers> {
  const {input, select} = await import('@inquirer/prompts')
  const answers: NewFunctionAnswers = {}
  try {
    if (need.lang) {
      answers.lang = await select({
        message: 'Language template',
        choices: languages.map((l) => ({name: l, value: l})),
        pageSize: Math.min(15, Math.max(5, languages.length)),
      })
    }
    if (need.name) {
      answers.name = await input({
        message: 'Function name',
        validate: (value) => FUNCTION_NAME.test(value) || 'Use a-z, 0-9 and dashes, starting and ending with a letter or digit',
      })
    }
  } catch (error) {
    if (error instanceof Error && (error.name === 'ExitPromptError' || error.name === 'AbortPromptError')) {
      throw new FaasError('cancelled: nothing was written', {exitCode: 130})
    }
    throw error
  }
  return answers
}
