import { type TranslationKeys, ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

// ~49,000 common passwords from the zxcvbn-ts common list, bundled as an npm dependency.
const COMMON = new Set<string>((dictionary['passwords-common']).map((p) => p.toLowerCase()));

/** zxcvbn's score (0–4) a password needs: 3 is "safely unguessable" (about 10^10 guesses). */
export const MIN_PASSWORD_SCORE = 3;
/** zxcvbn's running time grows with the length; past this, the rest adds strength it need not measure. */
const SCORED_LENGTH = 100;

// zxcvbn's feedback in English (the project ships only the common language pack: its keys are plain).
const TRANSLATIONS: TranslationKeys = {
  warnings: {
    straightRow: 'Straight rows of keys on a keyboard are easy to guess.',
    keyPattern: 'Short keyboard patterns are easy to guess.',
    simpleRepeat: 'Repeated characters like "aaa" are easy to guess.',
    extendedRepeat: 'Repeated patterns like "abcabcabc" are easy to guess.',
    sequences: 'Common sequences like "abc" are easy to guess.',
    recentYears: 'Recent years are easy to guess.',
    dates: 'Dates are easy to guess.',
    topTen: 'This is a heavily used password.',
    topHundred: 'This is a frequently used password.',
    common: 'This is a commonly used password.',
    similarToCommon: 'This is similar to a commonly used password.',
    wordByItself: 'Single words are easy to guess.',
    namesByThemselves: 'Single names or surnames are easy to guess.',
    commonNames: 'Common names and surnames are easy to guess.',
    userInputs: 'It should not contain the username or the display name.',
    pwned: 'This password was exposed by a data breach.',
  },
  suggestions: {
    l33t: 'Avoid predictable substitutions like "@" for "a".',
    reverseWords: 'Avoid reversed spellings of common words.',
    allUppercase: 'Capitalize some, but not all letters.',
    capitalization: 'Capitalize more than the first letter.',
    dates: 'Avoid dates and years associated with you.',
    recentYears: 'Avoid recent years.',
    associatedYears: 'Avoid years associated with you.',
    sequences: 'Avoid common character sequences.',
    repeated: 'Avoid repeated words and characters.',
    longerKeyboardPattern: 'Use longer keyboard patterns and change typing direction several times.',
    anotherWord: 'Add more words that are less common.',
    useWords: 'Use several words, but avoid common phrases.',
    noNeed: 'A strong password needs no symbols, digits or capitals: a few uncommon words will do.',
    pwned: 'If you use this password elsewhere, change it.',
  },
  timeEstimation: {
    ltSecond: 'less than a second',
    second: '{base} second',
    seconds: '{base} seconds',
    minute: '{base} minute',
    minutes: '{base} minutes',
    hour: '{base} hour',
    hours: '{base} hours',
    day: '{base} day',
    days: '{base} days',
    month: '{base} month',
    months: '{base} months',
    year: '{base} year',
    years: '{base} years',
    centuries: 'centuries',
  },
};

const zxcvbn = new ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs, translations: TRANSLATIONS });

/**
 * Why a password is refused, or null when it is acceptable. The reason is shown to the user. `userInputs`
 * (the display name…) and the username count against the password's strength when it contains them.
 */
export function passwordProblem(password: string, username: string, userInputs: readonly string[] = []): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `must be at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > MAX_PASSWORD_LENGTH) return `must be at most ${MAX_PASSWORD_LENGTH} characters`;
  const lower = password.toLowerCase();
  if (lower === username.toLowerCase()) return 'must not be the username';
  if (COMMON.has(lower)) return 'is on the list of common passwords';
  const stem = lower.replace(/[\d\W_]+$/u, '');
  if (stem.length >= 4 && stem !== lower && COMMON.has(stem)) return 'is a common password with digits or symbols appended';
  if (/^(.)\1+$/u.test(password)) return 'must not be one repeated character';
  // Whole and in parts ("j.ramirez" → "ramirez"), lower-cased: zxcvbn's dictionary matching is on lower case.
  const whole = [username, ...userInputs].map((i) => i.toLowerCase());
  const inputs = [...new Set([...whole, ...whole.flatMap((i) => i.split(/[\s._-]+/u))])].filter((i) => i.length >= 3);
  const { score, feedback } = zxcvbn.check(password.slice(0, SCORED_LENGTH), inputs);
  if (score < MIN_PASSWORD_SCORE) {
    const why = [feedback.warning, ...feedback.suggestions].filter((m): m is string => Boolean(m)).join(' ');
    return `is too easy to guess (strength ${score} of 4, at least ${MIN_PASSWORD_SCORE} needed)${why ? `: ${why}` : ''}`;
  }
  return null;
}
