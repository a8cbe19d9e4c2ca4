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
});
