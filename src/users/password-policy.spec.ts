import { passwordProblem } from './password-policy';

describe('passwordProblem', () => {
  it('accepts a long, uncommon password', () => {
    expect(passwordProblem('violet-harbour-lantern-42', 'alice')).toBeNull();
  });

  it.each([
    ['short1!', 'alice', 'at least 12 characters'],
    ['alice.investigator', 'alice.investigator', 'must not be the username'],
    ['ALICE.INVESTIGATOR', 'alice.investigator', 'must not be the username'],
    ['qwerty123456', 'bob', 'common passwords'],
    ['1qaz2wsx3edc', 'bob', 'common passwords'],
    ['sunshine2024!!', 'bob', 'common password with digits'],
    ['aaaaaaaaaaaaaaa', 'bob', 'repeated character'],
  ])('refuses %s with the reason', (password, username, reason) => {
    expect(passwordProblem(password, username)).toContain(reason);
  });

  it.each([
    ['qwertyuiopasdf', 'bob', []],
    ['j.ramirez2024!', 'j.ramirez', ['Jo Ramirez']],
    ['aaaabbbbcccc', 'bob', []],
  ])('refuses the guessable %s with zxcvbn\'s reason (score under 3)', (password, username, inputs) => {
    const problem = passwordProblem(password, username, inputs);
    expect(problem).toMatch(/too easy to guess \(strength [0-2] of 4, at least 3 needed\): \S/);
  });

  it('counts the username and display name against the password', () => {
    expect(passwordProblem('j.ramirez2024!', 'j.ramirez', ['Jo Ramirez'])).toContain('username or the display name');
  });

  it.each(['violet-harbour-lantern-42', 'quiet-meadow-compass-17', 'bootstrap-admin-password-for-tests', 'correct-horse-battery-staple-77'])('accepts the passphrase %s', (password) => {
    expect(passwordProblem(password, 'j.ramirez', ['Jo Ramirez'])).toBeNull();
  });
});
